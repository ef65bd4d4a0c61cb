#!/usr/bin/env python3
"""Requests no well-behaved client sends, for the service's tests.

usage: rawhttp.py URL MODE [ARG]
  raw            send standard input as it is; print the answer's status
  declared N     a POST that declares N bytes and sends none; print status
  chunked N      a chunked POST of N bytes; print the status
  short N        declares N bytes, sends half and closes; print "closed"
  drip SECONDS   a POST that sends one byte of its body every 0.2 s for at
                 most SECONDS; print how long until the service cut it
  slow FILE      a POST of FILE sent in ten parts over a second; print
                 the status (for a stop while it arrives); the file named
                 by $READY is made once the first part is sent
Prints "none" when the connection closed without an answer.
"""
import os
import socket
import sys
import time
from urllib.parse import urlparse


def connect(url):
    u = urlparse(url)
    s = socket.create_connection((u.hostname, u.port), timeout=30)
    return s, "%s:%d" % (u.hostname, u.port)


def status_of(s):
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    line = data.split(b"\r\n", 1)[0].split()
    return line[1].decode() if len(line) > 1 else "none"


def post_head(host, extra):
    return ("POST /v1/casefiles HTTP/1.1\r\nHost: %s\r\n"
            "Authorization: Bearer %s\r\nContent-Type: application/xml\r\n"
            "%s\r\n" % (host, TOKEN, extra)).encode()


def main():
    url, mode = sys.argv[1], sys.argv[2]
    arg = sys.argv[3] if len(sys.argv) > 3 else "0"
    if mode != "slow":
        arg = int(arg)
    s, host = connect(url)
    if mode == "raw":
        s.sendall(sys.stdin.buffer.read())
        print(status_of(s))
    elif mode == "declared":
        s.sendall(post_head(host, "Content-Length: %d\r\n" % arg))
        print(status_of(s))
    elif mode == "chunked":
        s.sendall(post_head(host, "Transfer-Encoding: chunked\r\n"))
        sent, block = 0, b"<" * 65536
        try:
            while sent < arg:
                n = min(len(block), arg - sent)
                s.sendall(b"%x\r\n" % n + block[:n] + b"\r\n")
                sent += n
            s.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        print(status_of(s))
    elif mode == "short":
        s.sendall(post_head(host, "Content-Length: %d\r\n" % arg))
        s.sendall(b"<" * (arg // 2))
        s.close()
        print("closed")
    elif mode == "slow":
        body = open(arg, "rb").read()
        s.sendall(post_head(host, "Content-Length: %d\r\n" % len(body)))
        step = len(body) // 10 + 1
        for i in range(0, len(body), step):
            s.sendall(body[i:i + step])
            if i == 0 and os.environ.get("READY"):
                open(os.environ["READY"], "w").close()
            time.sleep(0.1)
        print(status_of(s))
    elif mode == "drip":
        s.sendall(post_head(host, "Content-Length: 100000\r\n"))
        start = time.monotonic()
        try:
            while time.monotonic() - start < arg:
                s.sendall(b"<")
                time.sleep(0.2)
            print("not cut")
        except (BrokenPipeError, ConnectionResetError):
            print("%.0f" % (time.monotonic() - start))
        return
    s.close()


TOKEN = ""
if __name__ == "__main__":
    TOKEN = os.environ.get("TOKEN", "")
    main()
