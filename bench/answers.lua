-- wrk script: each request answers a different, still unanswered question.
-- The questions come from the file made by prepare.py; thread k takes every n-th line.
-- A thread stops when its lines run out, so every request counted is an answer POST.
-- done() prints how many answers were acknowledged (303) and how many were not.
local lines = {}
local index = 0
local stride = 1
local counter = 0
local threads = {}
acknowledged = 0
refused = 0
ran_out = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter - 1)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("ANSWERS_FILE")) do
    table.insert(lines, line)
  end
  index = offset + 1
  stride = tonumber(os.getenv("WRK_THREADS"))
end

function request()
  local line = lines[index]
  index = index + stride
  if line == nil then
    ran_out = 1
    wrk.thread:stop()
    line = lines[1]
  end
  local path, body = line:match("([^\t]+)\t(.*)")
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = os.getenv("LEARNER_COOKIE"),
  }, body)
end

function response(status, headers, body)
  if status == 303 then
    acknowledged = acknowledged + 1
  else
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local ok, bad, out = 0, 0, 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("acknowledged")
    bad = bad + thread:get("refused")
    out = out + thread:get("ran_out")
  end
  io.write(string.format("answers acknowledged (303): %d\n", ok))
  io.write(string.format("answers refused: %d\n", bad))
  if out > 0 then
    io.write("WARNING: ran out of prepared questions; prepare more rounds\n")
  end
end
