#!/usr/bin/env python3
"""A sign-in storm (issue #14, H1): TOTAL sign-in POSTs, AT_ONCE of them in flight at a
time, each from a new connection with a username of its own and a wrong password (so
that each one costs the server a password check and none is paused), while one learner
reloads an exercise page over and over.

Starts BINARY (default target/release/sourcewise; build it first) on a temporary data
directory, signs up a teacher and starts a learner's round, then measures:
- the server's resident memory (VmRSS in /proc/PID/status) before the storm (after the
  sign-up and the round), its peak (VmHWM), and right after the storm and 5 s later;
- the exercise page's latency, alone for 2 s before the storm and during the storm;
- what the sign-ins got (statuses, connection errors) and how long the storm took.

Usage: bench/sign_in_storm.py [--binary PATH] [--total 200] [--at-once 100] [--runs 1]
Python 3 standard library only; Linux (it reads /proc)."""
import argparse
import concurrent.futures
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

PACK = "khojaly-1992"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Browser:
    """One keep-alive connection and a cookie jar."""

    def __init__(self, address, timeout=30):
        host, port = address.split(":")
        self.host, self.port, self.timeout = host, int(port), timeout
        self.connection = None
        self.cookies = {}

    def request(self, method, path, form=None):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read().decode()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = None
            raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.split(";")[0].partition("=")
                self.cookies[key] = rest
        return response, data


def csrf_of(page):
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def memory(pid):
    """VmHWM and VmRSS of `pid`, in MB (10^6 bytes)."""
    figures = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                figures[name] = int(value.split()[0]) * 1024 / 1e6
    return figures


def percentile(samples, share):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def latency_summary(samples):
    if not samples:
        return "no sample"
    ms = [s * 1000 for s in samples]
    return (f"{len(ms)} pages, median {statistics.median(ms):.1f} ms, "
            f"p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms")


def reload_page(browser, path, stop, samples, errors):
    """GETs `path` one after another until `stop` is set."""
    while not stop.is_set():
        start = time.perf_counter()
        try:
            response, _ = browser.request("GET", path)
            if response.status == 200:
                samples.append(time.perf_counter() - start)
            else:
                errors.append(response.status)
        except (OSError, http.client.HTTPException) as error:
            errors.append(type(error).__name__)


def sign_in(address, cookie_header, csrf, number):
    """One sign-in POST on a connection of its own: (status or error name, Retry-After)."""
    host, port = address.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    body = urllib.parse.urlencode(
        {"csrf": csrf, "username": f"storm{number:04d}", "password": "not the password"})
    try:
        connection.request("POST", "/teachers/sign-in", body=body, headers={
            "Cookie": cookie_header, "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Retry-After")
    except (OSError, http.client.HTTPException) as error:
        return type(error).__name__, None
    finally:
        connection.close()


def run(binary, total, at_once):
    with tempfile.TemporaryDirectory() as data_dir:
        server = subprocess.Popen(
            [binary, "serve", "--bind", "127.0.0.1:0", "--data-dir", data_dir,
             "--questions", os.path.join(ROOT, "questions")],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            line = server.stdout.readline().strip()
            address = line.removeprefix("sourcewise listening on http://")
            return measure(server.pid, address, total, at_once)
        finally:
            server.kill()
            server.wait()


def measure(pid, address, total, at_once):
    figures = {}
    teacher = Browser(address)
    _, page = teacher.request("GET", "/teachers/sign-up")
    password = "tall ships at dawn"
    response, _ = teacher.request("POST", "/teachers/sign-up", {
        "csrf": csrf_of(page), "display_name": "Ms Rivera", "username": "rivera",
        "password": password, "repeat_password": password})
    assert response.status == 303, f"sign-up: {response.status}"

    learner = Browser(address)
    _, page = learner.request("GET", f"/packs/{PACK}")
    response, _ = learner.request("POST", f"/packs/{PACK}/rounds",
                                  {"csrf": csrf_of(page), "focus": "all", "length": "10"})
    question = response.getheader("Location")
    assert response.status == 303 and question, f"round: {response.status}"

    # The page alone, 2 s.
    alone, alone_errors = [], []
    stop = threading.Event()
    timer = threading.Timer(2.0, stop.set)
    timer.start()
    reload_page(learner, question, stop, alone, alone_errors)
    figures["alone"] = alone

    visitor = Browser(address)
    _, page = visitor.request("GET", "/teachers/sign-in")
    csrf = csrf_of(page)
    cookie_header = "; ".join(f"{k}={v}" for k, v in visitor.cookies.items())

    figures["before"] = memory(pid)["VmRSS"]
    stop = threading.Event()
    during, during_errors = [], []
    reader = threading.Thread(target=reload_page,
                              args=(learner, question, stop, during, during_errors))
    reader.start()
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=at_once) as pool:
        outcomes = list(pool.map(lambda n: sign_in(address, cookie_header, csrf, n), range(total)))
    figures["storm_seconds"] = time.perf_counter() - start
    stop.set()
    reader.join()
    # VmHWM is the kernel's own record of the most the process has held.
    after = memory(pid)
    figures["peak"] = after["VmHWM"]
    figures["after"] = after["VmRSS"]
    time.sleep(5)
    figures["after_5s"] = memory(pid)["VmRSS"]
    figures["during"] = during
    figures["during_errors"] = during_errors
    counts = {}
    for status, retry_after in outcomes:
        key = f"{status}" + (f" (Retry-After: {retry_after})" if retry_after else "")
        counts[key] = counts.get(key, 0) + 1
    figures["outcomes"] = counts

    # The teacher can still sign in once the storm is over.
    again = Browser(address)
    _, page = again.request("GET", "/teachers/sign-in")
    response, _ = again.request("POST", "/teachers/sign-in", {
        "csrf": csrf_of(page), "username": "rivera", "password": password})
    figures["teacher_after"] = response.status
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "target/release/sourcewise"))
    parser.add_argument("--total", type=int, default=200)
    parser.add_argument("--at-once", type=int, default=100)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"binary: {args.binary}; {args.total} sign-ins, {args.at_once} at once")
    for number in range(1, args.runs + 1):
        figures = run(args.binary, args.total, args.at_once)
        print(f"run {number}:")
        print(f"  resident memory: before {figures['before']:.0f} MB, peak (VmHWM) {figures['peak']:.0f} MB, "
              f"right after {figures['after']:.0f} MB, 5 s later {figures['after_5s']:.0f} MB")
        print(f"  exercise page alone:        {latency_summary(figures['alone'])}")
        print(f"  exercise page during storm: {latency_summary(figures['during'])}"
              + (f"; failed: {figures['during_errors']}" if figures["during_errors"] else ""))
        print(f"  storm: {figures['storm_seconds']:.2f} s; sign-ins got: "
              + ", ".join(f"{n} × {k}" for k, n in sorted(figures["outcomes"].items())))
        print(f"  the teacher's sign-in after the storm: {figures['teacher_after']}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
