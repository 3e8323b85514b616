#!/usr/bin/env python3
"""Prepares the answer benchmark: starts ROUNDS practice rounds of LENGTH questions as
one learner, reads each question page for its exercise id and first option, and writes
one line per unanswered question: "path<TAB>form body" (with the form's CSRF token).
Prints the browser's cookies (learner id and form token) as one Cookie header.
Four worker processes share the rounds, so a large run is prepared in seconds."""
import http.client
import multiprocessing
import re
import sys
import urllib.parse

PACK = "khojaly-1992"
WORKERS = 4


def request(connection, cookie, method, path, body=None):
    """Sends a request with the cookies in `cookie` ("a=1; b=2"); returns the response,
    its body and the cookies updated with any the response sets."""
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read().decode()
    jar = dict(part.split("=", 1) for part in cookie.split("; ") if "=" in part)
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            key, _, rest = value.split(";")[0].partition("=")
            jar[key] = rest
    return response, data, "; ".join(f"{key}={value}" for key, value in jar.items())


def csrf_of(page):
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def prepare(job):
    """Starts `rounds` rounds and returns one line per question in them."""
    address, cookie, rounds, length = job
    host, port = address.split(":")
    connection = http.client.HTTPConnection(host, int(port))
    lines = []
    _, page, cookie = request(connection, cookie, "GET", f"/packs/{PACK}")
    token = csrf_of(page)
    for _ in range(rounds):
        response, _, cookie = request(connection, cookie, "POST", f"/packs/{PACK}/rounds",
                                      f"csrf={token}&focus=all&length={length}")
        first = response.getheader("Location")
        round_path = first.rsplit("/questions/", 1)[0]
        # A round is shorter than asked when the pack has fewer exercises.
        _, page, cookie = request(connection, cookie, "GET", first)
        total = int(re.search(r"Question 1 of (\d+)", page).group(1))
        for number in range(1, total + 1):
            path = f"{round_path}/questions/{number}"
            _, page, cookie = request(connection, cookie, "GET", path)
            exercise = re.search(r'name="exercise" value="([^"]+)"', page).group(1)
            choice = re.search(r'name="choice" value="([^"]+)"', page).group(1)
            body = urllib.parse.urlencode(
                {"csrf": csrf_of(page), "exercise": exercise, "choice": choice})
            lines.append(f"{path}\t{body}\n")
    return lines, cookie


def main():
    address = sys.argv[1]
    rounds, length, out_path = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    # The first round gives the learner their cookie; every worker then uses it.
    first_lines, cookie = prepare((address, "", 1, length))
    rest = rounds - 1
    shares = [rest // WORKERS + (1 if worker < rest % WORKERS else 0) for worker in range(WORKERS)]
    with multiprocessing.Pool(WORKERS) as pool:
        results = pool.map(prepare, [(address, cookie, share, length) for share in shares])
    with open(out_path, "w") as out:
        out.writelines(first_lines)
        for lines, _ in results:
            out.writelines(lines)
    print(cookie)


if __name__ == "__main__":
    main()
