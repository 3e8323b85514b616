#!/usr/bin/env python3
"""Start-up time: launches BINARY on DATA_DIR ten times and prints the median and the
longest time, in ms, from launch to the first `ok` from /healthz, as "median max"."""
import statistics
import subprocess
import sys
import time
import urllib.request


def main():
    binary, data_dir = sys.argv[1], sys.argv[2]
    runs = []
    for _ in range(10):
        start = time.perf_counter()
        process = subprocess.Popen([binary, "--bind", "127.0.0.1:0", "--data-dir", data_dir],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        address = process.stdout.readline().strip().removeprefix("sourcewise listening on ")
        while True:
            try:
                if urllib.request.urlopen(f"{address}/healthz").read() == b"ok":
                    break
            except OSError:
                time.sleep(0.001)
        runs.append((time.perf_counter() - start) * 1000)
        process.kill()
        process.wait()
    print(f"{statistics.median(runs):.1f} {max(runs):.1f}")


if __name__ == "__main__":
    main()
