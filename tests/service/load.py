#!/usr/bin/env python3
"""Load client of `appui serve`: uploads case files over concurrent
keep-alive connections and records every answer.

    load.py --url URL --clients N --tokens FIRM=TOKEN,... [--out FILE]
            [--allow-errors] [--timeout S] FILES_OR_FOLDERS...

Each file is sent once: POST /v1/casefiles?name=BASENAME, Content-Type
application/xml, with the token of the firm its diagnostic/@firm names.
N threads each keep one connection open and take the next file from a
shared list. One JSON line per file (in the order the answers come) goes to
--out: {file, status, location, sha256, ms, case_id, outcome, error}, where
sha256 is the digest of the bytes sent, status 0 means no answer (the
connection failed or was cut) and error says why. A summary goes to stdout:
the count per status, uploads per second (answers of 200 or 201 over the
wall time), and the 50th and 99th percentile latency of the answered
requests in milliseconds.

Exit status: 0 every answer 200 or 201, or --allow-errors; 1 some other
answer, an answer whose sha256 is not that of the bytes sent, or a file
whose firm has no token; 2 usage.
"""
import argparse
import hashlib
import http.client
import json
import math
import os
import re
import sys
import threading
import time
import urllib.parse

FIRM = re.compile(rb'<diagnostic\b[^>]*?\sfirm\s*=\s*["\']([^"\']*)["\']')


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", required=True, help="http://HOST:PORT")
    p.add_argument("--clients", type=int, default=1)
    p.add_argument("--tokens", required=True,
                   help="FIRM=TOKEN,... (or @FILE: one FIRM=TOKEN a line)")
    p.add_argument("--out", help="the JSON lines, one per file")
    p.add_argument("--allow-errors", action="store_true",
                   help="exit 0 whatever the answers")
    p.add_argument("--timeout", type=float, default=120.0,
                   help="seconds to wait for one answer (default 120)")
    p.add_argument("files", nargs="+", metavar="FILE")
    a = p.parse_args(argv)
    if a.clients < 1:
        p.error("--clients is at least 1")
    u = urllib.parse.urlsplit(a.url)
    if u.scheme != "http" or not u.hostname:
        p.error("--url is http://HOST:PORT")
    a.host, a.port = u.hostname, u.port or 80
    return a


def parse_tokens(spec):
    if spec.startswith("@"):
        with open(spec[1:], encoding="utf-8") as f:
            items = [line.strip() for line in f if line.strip()]
    else:
        items = [s for s in spec.split(",") if s]
    tokens = {}
    for item in items:
        firm, sep, token = item.partition("=")
        if not sep or not firm or not token:
            raise ValueError("not FIRM=TOKEN: %r" % item.split("=")[0])
        tokens[firm] = token
    return tokens


def list_files(args):
    """The files named, folders walked for *.xml (sorted)."""
    out = []
    for a in args:
        if os.path.isdir(a):
            for root, dirs, names in os.walk(a):
                dirs.sort()
                out += [os.path.join(root, n) for n in sorted(names)
                        if n.endswith(".xml")]
        else:
            out.append(a)
    return out


class Run:
    """The shared state: the next file to send, the results, the output."""

    def __init__(self, files, tokens, out):
        self.files = files
        self.tokens = tokens
        self.next = 0
        self.lock = threading.Lock()
        self.results = []
        self.out = out

    def take(self):
        with self.lock:
            if self.next == len(self.files):
                return None
            self.next += 1
            return self.files[self.next - 1]

    def record(self, r):
        with self.lock:
            self.results.append(r)
            if self.out:
                self.out.write(json.dumps(r, ensure_ascii=False) + "\n")
                self.out.flush()


def firm_of(body):
    m = FIRM.search(body)
    return m.group(1).decode("utf-8", "replace") if m else None


def upload(conn, path, body, token):
    """One request on `conn`: (status, headers, answer body)."""
    name = urllib.parse.quote(os.path.basename(path), safe="")
    conn.request("POST", "/v1/casefiles?name=" + name, body=body, headers={
        "Content-Type": "application/xml",
        "Authorization": "Bearer " + token,
    })
    resp = conn.getresponse()
    data = resp.read()
    if resp.getheader("Connection", "").lower() == "close":
        conn.close()
    return resp.status, resp.getheader("Location"), data


def one(run, conn, path):
    """Sends `path` and records its answer."""
    r = {"file": path, "status": 0, "location": None, "sha256": None,
         "ms": None, "case_id": None, "outcome": None, "error": None}
    try:
        with open(path, "rb") as f:
            body = f.read()
    except OSError as e:
        r["error"] = "cannot read the file: %s" % e.strerror
        run.record(r)
        return
    r["sha256"] = hashlib.sha256(body).hexdigest()
    firm = firm_of(body)
    token = run.tokens.get(firm)
    if token is None:
        r["status"] = -1
        r["error"] = "no token for firm %r" % firm
        run.record(r)
        return
    t0 = time.monotonic()
    try:
        status, location, data = upload(conn, path, body, token)
    except (OSError, http.client.HTTPException) as e:
        conn.close()  # the next request opens a new connection
        r["ms"] = round((time.monotonic() - t0) * 1000, 3)
        r["error"] = "%s: %s" % (type(e).__name__, e)
        run.record(r)
        return
    r["ms"] = round((time.monotonic() - t0) * 1000, 3)
    r["status"], r["location"] = status, location
    try:
        answer = json.loads(data)
    except ValueError:
        answer = None
        r["error"] = "the answer is not JSON"
    if isinstance(answer, dict):
        r["case_id"] = answer.get("case_id")
        r["outcome"] = answer.get("outcome")
        if status >= 300:
            r["error"] = answer.get("text")
        elif answer.get("sha256") != r["sha256"]:
            r["error"] = "answered sha256 %s" % answer.get("sha256")
    run.record(r)


def client(run, args):
    conn = http.client.HTTPConnection(args.host, args.port,
                                      timeout=args.timeout)
    try:
        while True:
            path = run.take()
            if path is None:
                return
            one(run, conn, path)
    finally:
        conn.close()


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    # nearest rank
    k = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[k - 1]


def summary(run, wall):
    counts = {}
    for r in run.results:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    ok = counts.get(200, 0) + counts.get(201, 0)
    ms = sorted(r["ms"] for r in run.results if r["status"] > 0)
    print("files %d in %.3f s, %d clients" % (len(run.results), wall,
                                               run.clients))
    print("status " + " ".join("%d:%d" % (s, counts[s])
                               for s in sorted(counts)))
    print("uploads/s %.1f" % (ok / wall if wall > 0 else 0.0))
    print("p50 %.2f ms" % percentile(ms, 50))
    print("p99 %.2f ms" % percentile(ms, 99))
    bad = [r for r in run.results
           if r["status"] not in (200, 201) or r["error"]]
    for r in bad[:5]:
        print("not stored: %s: %d %s" % (r["file"], r["status"], r["error"]),
              file=sys.stderr)
    return bad


def main(argv):
    args = parse_args(argv)
    try:
        tokens = parse_tokens(args.tokens)
    except (OSError, ValueError) as e:
        print("load.py: --tokens: %s" % e, file=sys.stderr)
        return 2
    files = list_files(args.files)
    out = open(args.out, "w", encoding="utf-8") if args.out else None
    run = Run(files, tokens, out)
    run.clients = args.clients
    threads = [threading.Thread(target=client, args=(run, args), daemon=True)
               for _ in range(min(args.clients, max(1, len(files))))]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    if out:
        out.close()
    bad = summary(run, wall)
    return 0 if args.allow_errors or not bad else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
