-- wrk script: each request answers a different, still unanswered question.
-- The questions come from the file made by prepare.py; thread k takes every n-th line.
-- Each thread formats its requests once, in init(), so that the load generator spends
-- its share of the two cores sending requests rather than building them.
-- A thread stops when its lines run out, so every request counted is an answer POST.
-- done() prints how many answers were acknowledged (303) and how many were not.
local requests = {}
local index = 0
local counter = 0
local threads = {}
ran_out = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter - 1)
  table.insert(threads, thread)
end

function init(args)
  local stride = tonumber(os.getenv("WRK_THREADS"))
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = os.getenv("LEARNER_COOKIE"),
  }
  local number = 0
  for line in io.lines(os.getenv("ANSWERS_FILE")) do
    if number % stride == offset then
      local path, body = line:match("([^\t]+)\t(.*)")
      table.insert(requests, wrk.format("POST", path, headers, body))
    end
    number = number + 1
  end
end

function request()
  index = index + 1
  local prepared = requests[index]
  if prepared == nil then
    ran_out = 1
    wrk.thread:stop()
    return requests[1]
  end
  return prepared
end

-- No response() callback: wrk then reads replies without calling into Lua for each,
-- which left less of the shared CPU to the server. The server answers 303 to an answer
-- it kept and 4xx or 5xx to one it did not, which wrk counts as status errors.
function done(summary, latency, requests)
  local out = 0
  for _, thread in ipairs(threads) do
    out = out + thread:get("ran_out")
  end
  local errors = summary.errors
  local refused = errors.status
  local failed = errors.connect + errors.read + errors.write + errors.timeout
  io.write(string.format("answers acknowledged (303): %d\n", summary.requests - refused - failed))
  io.write(string.format("answers refused: %d\n", refused))
  if failed > 0 then
    io.write(string.format("WARNING: %d requests failed (connection, read, write or timeout)\n", failed))
  end
  if out > 0 then
    io.write("WARNING: ran out of prepared questions; prepare more rounds\n")
  end
end
