#!/usr/bin/env python3
"""Guessing a teacher's password (issue #14, M1): how many guesses the server checks
for one account in a 15-minute window, and whether the teacher can still sign in.

Starts BINARY (default target/release/sourcewise) on a temporary data directory, signs
up the teacher "rivera" on a "laptop" (a browser that then holds whatever cookies the
server gives it), signs out, and then:
1. one after another, an attacker's browser sends wrong passwords for rivera until it
   is refused 3 times in a row (or 50 tries): the guesses checked (answered "not
   right") and the first refusal;
2. on a fresh server, the attacker sends AT_ONCE wrong passwords at the same moment,
   each on a connection of its own: how many were checked, paused or turned away;
3. after each, the laptop and a stranger's browser sign in with the right password.

Usage: bench/password_guessing.py [--binary PATH] [--at-once 100]"""
import argparse
import concurrent.futures
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in bench/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sign_in_storm import ROOT, Browser, csrf_of  # noqa: E402

PASSWORD = "tall ships at dawn"


def sign_in(browser, username, password):
    _, page = browser.request("GET", "/teachers/sign-in")
    response, _ = browser.request("POST", "/teachers/sign-in", {
        "csrf": csrf_of(page), "username": username, "password": password})
    return response.status


def serve(binary, data_dir):
    server = subprocess.Popen(
        [binary, "serve", "--bind", "127.0.0.1:0", "--data-dir", data_dir,
         "--questions", os.path.join(ROOT, "questions")],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    address = server.stdout.readline().strip().removeprefix("sourcewise listening on http://")
    return server, address


def teacher_with_laptop(address):
    laptop = Browser(address)
    _, page = laptop.request("GET", "/teachers/sign-up")
    response, _ = laptop.request("POST", "/teachers/sign-up", {
        "csrf": csrf_of(page), "display_name": "Ms Rivera", "username": "rivera",
        "password": PASSWORD, "repeat_password": PASSWORD})
    assert response.status == 303, response.status
    _, page = laptop.request("GET", "/teachers")
    laptop.request("POST", "/teachers/sign-out", {"csrf": csrf_of(page)})
    return laptop


def afterwards(address, laptop):
    return (f"the laptop's sign-in with the right password: {sign_in(laptop, 'rivera', PASSWORD)}; "
            f"a stranger's: {sign_in(Browser(address), 'rivera', PASSWORD)}")


def one_after_another(binary):
    with tempfile.TemporaryDirectory() as data_dir:
        server, address = serve(binary, data_dir)
        try:
            laptop = teacher_with_laptop(address)
            attacker = Browser(address)
            statuses = []
            while len(statuses) < 50 and statuses[-3:] != ["refused"] * 3:
                status = sign_in(attacker, "rivera", f"guess {len(statuses)}")
                statuses.append("checked" if status == 400 else "refused" if status == 429 else str(status))
            checked = statuses.count("checked")
            first_refusal = statuses.index("refused") + 1 if "refused" in statuses else None
            print(f"one after another: {checked} guesses checked, the first refusal at try {first_refusal}")
            print(f"  then {afterwards(address, laptop)}")
        finally:
            server.kill()
            server.wait()


def at_once(binary, count):
    with tempfile.TemporaryDirectory() as data_dir:
        server, address = serve(binary, data_dir)
        try:
            laptop = teacher_with_laptop(address)
            attacker = Browser(address)
            _, page = attacker.request("GET", "/teachers/sign-in")
            csrf = csrf_of(page)

            def guess(number):
                browser = Browser(address, timeout=60)
                browser.cookies = dict(attacker.cookies)
                response, _ = browser.request("POST", "/teachers/sign-in", {
                    "csrf": csrf, "username": "rivera", "password": f"guess {number}"})
                return response.status

            with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
                statuses = list(pool.map(guess, range(count)))
            names = {400: "checked (not right)", 429: "paused", 503: "turned away (busy)"}
            counts = {}
            for status in statuses:
                name = names.get(status, str(status))
                counts[name] = counts.get(name, 0) + 1
            print(f"{count} at once: " + ", ".join(f"{n} {name}" for name, n in sorted(counts.items())))
            print(f"  then {afterwards(address, laptop)}")
        finally:
            server.kill()
            server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "target/release/sourcewise"))
    parser.add_argument("--at-once", type=int, default=100)
    args = parser.parse_args()
    print(f"binary: {args.binary}")
    one_after_another(args.binary)
    at_once(args.binary, args.at_once)


if __name__ == "__main__":
    main()
