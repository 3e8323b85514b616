#!/usr/bin/env bash
# The school benchmark: a release server on a data directory seeded with a school
# (bench/seed_school.rs: 40 teachers, 200 classes, 6,000 students with 30 answers each,
# and classes and learners for the growth table), driven by wrk at 64 and 512
# connections. Prints, as Markdown tables:
#   - requests/s, median and p99 latency of each request, and its throughput as a ratio
#     to GET /healthz measured in the same run;
#   - a live session's event streams with 500 participants (cargo run --features bench --example live_load);
#   - the growth of the class results page, its CSV export and the progress page with
#     100, 1,000 and 10,000 students or answers (one connection, median latency);
#   - start-up time and resident memory, idle and after the school has been served.
# Usage: bench/school.sh [seconds per row]   (default 10)
# Needs wrk (Debian package `wrk`; installed here with apt-get if missing) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk…" >&2
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

cargo build --release --quiet --features bench --bin sourcewise --example seed_school --example live_load
binary=target/release/sourcewise
work=$(mktemp -d)
server=
trap 'if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo

# Start-up to the first /healthz, on DATA_DIR: the median over 10 runs, in ms.
startup() { python3 bench/startup.py "$binary" "$1" | cut -d' ' -f1; }

echo "seeding the school…"
target/release/examples/seed_school "$work/data" >"$work/manifest.json" 2>"$work/seed.log"
tail -1 "$work/seed.log"
manifest() { python3 -c "import json,sys; m=json.load(open('$work/manifest.json')); print(eval(sys.argv[1]))" "$1"; }
fresh_startup=$(startup "$work/fresh")
seeded_startup=$(startup "$work/data")

"$binary" --bind 127.0.0.1:0 --data-dir "$work/data" >"$work/server.out" 2>/dev/null &
server=$!
until grep -q listening "$work/server.out" 2>/dev/null; do sleep 0.05; done
address=$(sed 's/sourcewise listening on http:\/\///' "$work/server.out")
rss() { awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$server/status"; }
idle_rss=$(rss)

# The first teacher, signed in: the cookie header for the teacher's pages.
teacher_cookie=$(python3 - "$address" <<'PY'
import http.client, re, sys
host, port = sys.argv[1].split(":")
connection = http.client.HTTPConnection(host, int(port))
connection.request("GET", "/teachers/sign-in")
response = connection.getresponse()
page = response.read().decode()
form_cookie = [v.split(";")[0] for k, v in response.getheaders() if k.lower() == "set-cookie"]
csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
connection.request("POST", "/teachers/sign-in",
                   body=f"csrf={csrf}&username=teacher-01&password=tall+ships+at+dawn",
                   headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": "; ".join(form_cookie)})
response = connection.getresponse()
response.read()
print("; ".join(v.split(";")[0] for k, v in response.getheaders()
                if k.lower() == "set-cookie" and v.startswith("sourcewise_teacher=")))
PY
)
learner=$(manifest 'm["learner"]')
# A browser that has shown one question page sends back the form-token cookie it set
# (the pages after it reuse the token instead of signing a new one): so does wrk.
exercise_page=$(manifest 'm["exercise_page"]')
form_cookie=$(python3 - "$address" "$exercise_page" "$learner" <<'PY'
import http.client, sys
host, port = sys.argv[1].split(":")
connection = http.client.HTTPConnection(host, int(port))
connection.request("GET", sys.argv[2], headers={"Cookie": sys.argv[3]})
response = connection.getresponse()
response.read()
print("; ".join(v.split(";")[0] for k, v in response.getheaders()
                if k.lower() == "set-cookie" and v.startswith("sourcewise_form=")))
PY
)
[ -n "$form_cookie" ] || { echo "the exercise page set no form-token cookie" >&2; exit 1; }
results_500=$(manifest 'm["results"]["500"]')

# Unanswered questions for the two answer runs (64 and 512 connections), each a line of
# its own: room for 40,000 answers a second; answers.lua warns if they run out.
rounds=$(( (seconds * 40000) / 45 + 1 ))
echo "preparing 2 × $rounds rounds of 45 questions for the answer runs…"
answer_cookie_64=$(python3 bench/prepare.py "$address" "$rounds" 50 "$work/answers-64.tsv")
answer_cookie_512=$(python3 bench/prepare.py "$address" "$rounds" 50 "$work/answers-512.tsv")
echo

# Waits until the server is idle (under a tenth of a core for half a second, at most
# 60 s): when wrk stops, the server is still working through the requests it had
# queued (64 or 512 reports of a second each), which would slow the row after it.
settle() {
  local ticks before
  for _ in $(seq 120); do
    before=$(awk '{print $14 + $15}' "/proc/$server/stat")
    sleep 0.5
    ticks=$(( $(awk '{print $14 + $15}' "/proc/$server/stat") - before ))
    [ "$ticks" -lt 5 ] && return
  done
}

# One wrk run → "requests/s median p99" (latencies as wrk prints them).
measure() {
  local connections=$1 path=$2 cookie=$3
  settle
  wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s --latency -H "Cookie: $cookie" "http://$address$path" |
    awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$5}
         /timeout [0-9]+/ {for (i = 1; i <= NF; i++) if ($i == "timeout") bad += $(i + 1)}
         END {printf "%s %s %s %s\n", rps, p50, p99, (bad ? bad : 0)}'
}
row() {
  local name=$1 connections=$2 ceiling=$3 rps p50 p99 bad
  read -r rps p50 p99 bad
  awk -v name="$name" -v c="$connections" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v ceiling="$ceiling" -v bad="$bad" \
    'BEGIN {printf "| %-44s | %4s | %10.0f | %8s | %8s | %5.2f |%s\n", name, c, rps, p50, p99, rps / ceiling, (bad > 0 ? " " bad " failed or timed out!" : "")}'
}

echo "wrk, 2 threads, $seconds s per row; ratio = requests/s ÷ /healthz's requests/s at the same connections"
echo
echo "| request                                      | conn | requests/s | median   | p99      | ratio |"
echo "| -------------------------------------------- | ---- | ---------- | -------- | -------- | ----- |"
for connections in 64 512; do
  read -r ceiling p50 p99 bad < <(measure "$connections" /healthz "")
  echo "$ceiling $p50 $p99 $bad" | row "GET /healthz (the ceiling)" "$connections" "$ceiling"
  measure "$connections" "$exercise_page" "$learner; $form_cookie" | row "GET an exercise page" "$connections" "$ceiling"
  cookie_var="answer_cookie_$connections"
  settle
  ANSWERS_FILE="$work/answers-$connections.tsv" WRK_THREADS=2 LEARNER_COOKIE="${!cookie_var}" \
    wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/answers.lua "http://$address" >"$work/answers.out"
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%s %s %s 0\n", rps, p50, p99}' "$work/answers.out" |
    row "POST an answer (durable, 303)" "$connections" "$ceiling"
  grep -E '^(answers refused|WARNING)' "$work/answers.out" | grep -v 'refused: 0' || true
  measure "$connections" "$(manifest 'm["feedback_page"]')" "$learner" | row "GET a feedback page" "$connections" "$ceiling"
  measure "$connections" /progress "$(manifest 'm["progress"]["1000"]')" | row "GET /progress (1,000 answers)" "$connections" "$ceiling"
  measure "$connections" "$results_500" "$teacher_cookie" | row "GET class results (500 students)" "$connections" "$ceiling"
  measure "$connections" "$results_500/results.csv" "$teacher_cookie" | row "GET results.csv (500 students, 5,000 rows)" "$connections" "$ceiling"
done
served_rss=$(rss)
echo

echo "live session, 500 participants (cargo run --release --features bench --example live_load -- --participants 500):"
settle
target/release/examples/live_load --participants 500 --server "http://$address" 2>&1 |
  grep -E 'to the last participant, over|to each participant|POST /live/CODE/answers|CSV check|^Errors' || true
echo

echo "growth: one connection, 3 s each, median latency"
echo
echo "| size   | class results page | results.csv (rows) | progress page (answers) |"
echo "| ------ | ------------------ | ------------------ | ----------------------- |"
median1() {
  settle
  wrk -t1 -c1 -d3s --latency -H "Cookie: $2" "http://$address$1" | awk '/^ +50%/ {print $2}'
}
for size in 100 500 1000 10000; do
  results=$(manifest "m['results']['$size']")
  progress=$(manifest "m['progress'].get('$size', '')")
  printf "| %6s | %18s | %11s (%s) | %15s |\n" "$size" \
    "$(median1 "$results" "$teacher_cookie")" \
    "$(median1 "$results/results.csv" "$teacher_cookie")" "$((size * 10))" \
    "$(if [ -n "$progress" ]; then echo "$(median1 /progress "$progress") ($size)"; else echo "–"; fi)"
done
echo

# Learners while a teacher exports a big class: the exercise page at 64 connections,
# alone and while one connection asks for the 10,000-student CSV over and over.
echo "an exercise page (64 connections, $seconds s) while a teacher exports the 10,000-student CSV:"
echo
echo "| exercise page                      | requests/s | median   | p99      |"
echo "| ---------------------------------- | ---------- | -------- | -------- |"
big_csv="$(manifest "m['results']['10000']")/results.csv"
read -r rps p50 p99 _ < <(measure 64 "$exercise_page" "$learner; $form_cookie")
printf "| %-34s | %10.0f | %8s | %8s |\n" "alone" "$rps" "$p50" "$p99"
settle
wrk -t1 -c1 -d"$((seconds + 1))s" --timeout 10s -H "Cookie: $teacher_cookie" "http://$address$big_csv" >"$work/exports.out" &
exports=$!
sleep 0.5
read -r rps p50 p99 _ < <(wrk -t2 -c64 -d"${seconds}s" --latency -H "Cookie: $learner; $form_cookie" "http://$address$exercise_page" |
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {print rps, p50, p99, 0}')
wait "$exports"
printf "| %-34s | %10.0f | %8s | %8s |\n" "while the CSV is exported" "$rps" "$p50" "$p99"
echo "($(awk '/requests in/ {print $1}' "$work/exports.out") exports of 100,000 rows were made meanwhile)"
echo

echo "start-up to the first /healthz (median of 10): ${fresh_startup} ms with a new data directory, ${seeded_startup} ms with the seeded school"
echo "resident memory: $idle_rss idle, $served_rss after the rows above, $(rss) after the growth table (a class of 10,000)"
