#!/usr/bin/env python3
"""The pack builder on the largest pack a teacher may have, through the server: a fresh
release server, a teacher, a pack of 20 documents of 1 MB each (each added as a pasted
text, as the document form sends it), and 20 source exercises quoting them. Then, RUNS
times each, prints the median and the longest time in ms of:

- saving a document's form (1 MB of text): the POST, stored durably, checked, and
  the page it leads to, checked again;
- saving an exercise's form, and the page it leads to;
- the pack's page, and an exercise's page (each checks the whole pack);
- find, figures and suggestions over the 20 MB;
- exporting the pack as a .zip;

and the server's resident memory at the end (VmRSS) and at its peak (VmHWM).

Usage: bench/pack_builder.py [--binary target/release/sourcewise] [--runs 5]
"""
import argparse
import http.cookiejar
import random
import re
import statistics
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
import uuid

DOCUMENTS = 20
DOCUMENT_BYTES = 1024 * 1024
EXERCISES = 20


class Browser:
    def __init__(self, address):
        self.address = address
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(self, path):
        with self.opener.open(self.address + path, timeout=300) as response:
            return response.geturl(), response.read().decode("utf-8", "replace")

    def csrf(self, path):
        _, body = self.get(path)
        return re.search(r'name="csrf" value="([^"]+)"', body).group(1)

    def post_form(self, path, fields):
        data = urllib.parse.urlencode(fields).encode()
        with self.opener.open(self.address + path, data=data, timeout=300) as response:
            return response.geturl(), response.read().decode("utf-8")

    def post_multipart(self, path, fields):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields:
            parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
        parts.append(f"--{boundary}--\r\n")
        request = urllib.request.Request(
            self.address + path,
            data="".join(parts).encode("utf-8"),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        with self.opener.open(request, timeout=300) as response:
            return response.geturl(), response.read().decode("utf-8")


def document_text(rng, number):
    # Letters only, each document with words of its own; a few figures in between.
    letters = str.maketrans("0123456789", "abcdefghij")
    words = [f"w{number}x{word}".translate(letters) for word in range(3000)]
    sentences = []
    size = 0
    while size < DOCUMENT_BYTES - 300:
        sentence = " ".join(rng.choice(words) for _ in range(rng.randrange(8, 24)))
        if rng.randrange(10) == 0:
            sentence += f" {rng.randrange(1, 100000):,}"
        sentence += "."
        sentences.append(sentence)
        size += len(sentence) + 1
    return " ".join(sentences)


def timed(action, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return f"{statistics.median(times):.0f} / {max(times):.0f}"


def memory(pid):
    with open(f"/proc/{pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    return fields["VmRSS"].strip(), fields["VmHWM"].strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default="target/release/sourcewise")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    rng = random.Random(18)
    with tempfile.TemporaryDirectory() as data_dir:
        server = subprocess.Popen(
            [options.binary, "--bind", "127.0.0.1:0", "--data-dir", data_dir],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        try:
            address = server.stdout.readline().strip().removeprefix("sourcewise listening on ")
            run(Browser(address), rng, options.runs, server.pid)
        finally:
            server.kill()
            server.wait()


def run(teacher, rng, runs, pid):
    password = "tall ships at dawn"
    teacher.post_form("/teachers/sign-up", [
        ("csrf", teacher.csrf("/teachers/sign-up")), ("display_name", "Bench"),
        ("username", "bench"), ("password", password), ("repeat_password", password),
    ])
    url, _ = teacher.post_multipart("/teachers/packs/new", [
        ("csrf", teacher.csrf("/teachers/packs/new")), ("pack_id", "largest"),
        ("title", "The largest pack"), ("description", "Twenty documents of a megabyte."),
        ("content_note", "Nothing upsetting."),
    ])
    pack = urllib.parse.urlparse(url).path
    csrf = teacher.csrf(pack + "/about")
    texts = []

    def document_fields(number, text):
        return [
            ("csrf", csrf), ("title", f"Document {number}"), ("short_title", f"Document {number}"),
            ("id", f"document-{number:02}"), ("author", "Not named in the text"),
            ("publisher", "A publisher"), ("kind", "Report"), ("date", "2026"), ("url", ""),
            ("licence", "Made up for the benchmark"), ("perspective", ""), ("text", text),
        ]

    start = time.perf_counter()
    for number in range(DOCUMENTS):
        text = document_text(rng, number)
        texts.append(text)
        teacher.post_multipart(pack + "/documents", document_fields(number, text))
    adding = (time.perf_counter() - start) * 1000 / DOCUMENTS

    def exercise_fields(number):
        source = number % DOCUMENTS
        sentences = texts[source].split(". ")
        passage = sentences[rng.randrange(1, len(sentences) - 2)] + "."
        other = (source + 1) % DOCUMENTS
        return [
            ("csrf", csrf), ("kind", "source"), ("id", f"source-{number:02}"), ("question", ""),
            ("explanation", "The words are in one document only. Habit: ask who wrote it."),
            ("passage_source", f"document-{source:02}"), ("passage_text", passage), ("passage_note", ""),
            ("option_answer", f"document-{source:02}"), ("option_why", "This document has these words."),
            ("option_answer", f"document-{other:02}"), ("option_why", "This one does not."),
            ("correct", f"document-{source:02}"),
        ]

    for number in range(EXERCISES):
        teacher.post_multipart(pack + "/exercises", exercise_fields(number))
    _, page = teacher.get(pack)
    problems = re.search(r"(\d+) problems? to fix", page)
    print(f"pack: {DOCUMENTS} documents of {DOCUMENT_BYTES} bytes, {EXERCISES} exercises, "
          f"{problems.group(1) if problems else 'no'} problems")
    print(f"adding a document (mean of {DOCUMENTS}, growing pack): {adding:.0f} ms")
    print("median / longest, ms:")
    print("  save a document's form (1 MB):", timed(
        lambda: teacher.post_multipart(pack + "/documents/1", document_fields(0, texts[0])), runs))
    print("  save an exercise's form:", timed(
        lambda: teacher.post_multipart(pack + "/exercises/1", exercise_fields(0)), runs))
    print("  the pack's page:", timed(lambda: teacher.get(pack), runs))
    print("  an exercise's page:", timed(lambda: teacher.get(pack + "/exercises/1"), runs))
    print("  find a phrase:", timed(lambda: teacher.get(pack + "/find?q=" + urllib.parse.quote(texts[3][100:140])), runs))
    print("  figures:", timed(lambda: teacher.get(pack + "/figures"), runs))
    print("  suggestions:", timed(lambda: teacher.get(pack + "/suggestions"), runs))
    print("  export as .zip:", timed(lambda: teacher.get(pack + "/export.zip"), runs))
    rss, peak = memory(pid)
    print(f"server memory: {rss} now, {peak} at its peak")


if __name__ == "__main__":
    main()
