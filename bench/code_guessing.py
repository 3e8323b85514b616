#!/usr/bin/env python3
"""Guessing codes, as a script on one address would: what the limits let through.

Usage: bench/code_guessing.py BINARY [SECONDS]

Starts BINARY (a release build of sourcewise) with --trust-forwarded on a fresh data
directory, makes a teacher and a class, then for SECONDS (default 10) sends, from one
address (X-Forwarded-For 10.0.0.66), as fast as four threads can:

- join attempts with unknown codes, each from a fresh browser (a new form cookie), and
- resume attempts with the real class code and wrong resume codes, likewise.

It prints how many attempts were sent, how many got an answer (400: the code was
checked) and how many were told to wait (429), the rate of each, and, meanwhile and
after, whether a classmate at another address (10.0.0.7) joins with the right code and
how long that took. Python 3 standard library only.
"""
import http.cookiejar
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class Browser:
    def __init__(self, base, address):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.opener.addheaders = [("X-Forwarded-For", address)]

    def get(self, path):
        with self.opener.open(self.base + path) as response:
            return response.read().decode()

    def post(self, path, fields):
        data = urllib.parse.urlencode(fields).encode()
        try:
            with self.opener.open(self.base + path, data) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode()

    def csrf(self, path):
        return re.search(r'name="csrf" value="([^"]+)"', self.get(path)).group(1)


def main():
    binary = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    data = tempfile.mkdtemp()
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1:0", "--data-dir", data + "/data", "--trust-forwarded"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    base = server.stdout.readline().strip().removeprefix("sourcewise listening on ")
    try:
        teacher = Browser(base, "10.0.0.1")
        password = "tall ships at dawn"
        teacher.post("/teachers/sign-up", {
            "csrf": teacher.csrf("/teachers/sign-up"), "display_name": "T",
            "username": "rivera", "password": password, "repeat_password": password})
        _, url, page = teacher.post("/teachers/classes", {
            "csrf": teacher.csrf("/teachers"), "name": "10B", "description": ""})
        code = re.search(r'class="join-code"[^>]*>([^<]+)<', page).group(1)

        counts = {"sent": 0, 400: 0, 429: 0, "other": 0}
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def guess(thread):
            n = thread
            while time.monotonic() < stop:
                browser = Browser(base, "10.0.0.66")
                if n % 2:
                    guessed = "".join(ALPHABET[(n // 31 ** i) % 31] for i in range(8))
                    status, _, _ = browser.post("/join", {
                        "csrf": browser.csrf("/join"), "code": guessed, "nickname": "X"})
                else:
                    status, _, _ = browser.post("/resume", {
                        "csrf": browser.csrf("/resume"), "code": code,
                        "resume": "AAAA-AAAA-" + "".join(ALPHABET[(n // 31 ** i) % 31]
                                                         for i in range(5))})
                with lock:
                    counts["sent"] += 1
                    counts[status if status in (400, 429) else "other"] += 1
                n += 4

        threads = [threading.Thread(target=guess, args=(t,)) for t in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(seconds / 2)
        classmate = Browser(base, "10.0.0.7")
        started = time.perf_counter()
        status, url, _ = classmate.post("/join", {
            "csrf": classmate.csrf("/join"), "code": code, "nickname": "Sam"})
        joined_in = (time.perf_counter() - started) * 1000
        for thread in threads:
            thread.join()
        print(f"guesser (one address, a fresh browser per try, {seconds:.0f} s): "
              f"{counts['sent']} sent ({counts['sent'] / seconds:.0f}/s), "
              f"{counts[400]} checked, {counts[429]} told to wait, {counts['other']} other")
        print(f"classmate at another address, during the guessing: "
              f"{'joined' if url.endswith('/student?joined') else f'not joined ({status})'}"
              f" in {joined_in:.1f} ms")
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
