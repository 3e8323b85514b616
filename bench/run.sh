#!/usr/bin/env bash
# Measures sourcewise on this machine: pack load and start-up time, and throughput and
# latency of /healthz (the ceiling), an exercise page and a durable answer POST.
# Usage: bench/run.sh [connections] [seconds]   (defaults: 64 connections, 10 s)
# Needs wrk (Debian package `wrk`; installed here with apt-get if missing) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${1:-64}
seconds=${2:-10}
threads=$(( connections < 2 ? connections : 2 ))

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk…" >&2
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

cargo build --release --quiet
binary=target/release/sourcewise
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo

# Loading and checking the bundled pack, as `sourcewise check` does at every start.
python3 - "$binary" <<'PY'
import statistics, subprocess, sys, time
runs = []
for _ in range(20):
    start = time.perf_counter()
    subprocess.run([sys.argv[1], "check", "questions"], check=True, stdout=subprocess.DEVNULL)
    runs.append((time.perf_counter() - start) * 1000)
print(f"load and check the pack (sourcewise check): median {statistics.median(runs):.1f} ms, max {max(runs):.1f} ms over {len(runs)} runs")
PY

# Start-up: from launching the server to the first successful /healthz.
read -r median longest < <(python3 bench/startup.py "$binary" "$work/startup")
echo "start-up to first /healthz: median $median ms, max $longest ms over 10 runs"

"$binary" --bind 127.0.0.1:0 --data-dir "$work/data" >"$work/server.out" 2>/dev/null &
server=$!
until grep -q listening "$work/server.out" 2>/dev/null; do sleep 0.05; done
address=$(sed 's/sourcewise listening on http:\/\///' "$work/server.out")

# Enough unanswered questions for the answer run: room for 40,000 answers a second
# (this machine does up to 30,000 on a new data directory). The script warns if they
# run out.
rounds=$(( (seconds * 40000) / 45 + 1 ))
echo "preparing $rounds rounds of up to 50 questions…"
cookie=$(python3 bench/prepare.py "$address" "$rounds" 50 "$work/answers.tsv")
question=$(head -1 "$work/answers.tsv" | cut -f1)
echo

report() {
  # wrk's summary → one table row: requests/s, median and 99th percentile latency.
  awk -v name="$1" '
    /Requests\/sec/ {rps=$2}
    /^ +50%/ {p50=$2}
    /^ +99%/ {p99=$2}
    /Non-2xx/ {bad=$5}
    END {printf "| %-38s | %10s | %8s | %8s |%s\n", name, rps, p50, p99, (bad ? " " bad " non-2xx" : "")}'
}

echo "wrk, $threads threads, $connections connections, $seconds s per row"
echo "| request                                | requests/s | median   | p99      |"
echo "| -------------------------------------- | ---------- | -------- | -------- |"
wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "http://$address/healthz" | report "GET /healthz (ceiling)"
wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -H "Cookie: $cookie" "http://$address$question" | report "GET exercise page"
ANSWERS_FILE="$work/answers.tsv" WRK_THREADS=$threads LEARNER_COOKIE="$cookie" \
  wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s bench/answers.lua "http://$address" >"$work/answers.out"
report "POST answer (durable, 303)" <"$work/answers.out" | sed 's/| [0-9]* non-2xx$/|/'
echo
grep -E '^(answers|WARNING)' "$work/answers.out"
answered=$(curl -s -H "Cookie: $cookie" "http://$address/progress" | grep -o '[0-9]* answers so far' || true)
echo "the learner's progress page then says: ${answered:-no answers}"
