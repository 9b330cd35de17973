#!/usr/bin/env python3
"""A webhook receiver for end-to-end tests of the notification service.

Verifies each POST as a Standard Webhooks receiver would (webhook-id,
webhook-timestamp, webhook-signature: any "v1,<base64>" entry matching any of the
given secrets), and records it as one JSON line:
{"id", "timestamp", "verified", "body", "raw", "signature", "path", "received_at"}. It can misbehave on
purpose, so that a test can watch the service retry: answer 500 to the first N
requests or while a file exists, or hang for 30 s on the first N.

    webhook_receiver.py --port 0 --secrets whsec_a[,whsec_b] --out FILE.jsonl
        [--fail-first N] [--fail-until-file PATH] [--hang-first N] [--no-time-check]

Prints "listening on PORT" (the chosen port for --port 0) once it accepts requests.
Standard library only.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 5 * 60
HANG_SECONDS = 30


def secret_key(secret):
    if not secret.startswith("whsec_"):
        raise ValueError("a secret must start with whsec_")
    return base64.b64decode(secret[len("whsec_"):], validate=True)


def verify(keys, msg_id, timestamp, signature_header, body, check_time):
    """Whether any v1 signature in the header matches any key, and the time is near."""
    if not msg_id or not timestamp or not signature_header:
        return False
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    if check_time and abs(time.time() - ts) > TOLERANCE_SECONDS:
        return False
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = [base64.b64encode(hmac.new(k, signed, hashlib.sha256).digest()) for k in keys]
    ok = False
    for entry in signature_header.split(" "):
        version, _, sig = entry.partition(",")
        if version != "v1" or not sig:
            continue
        for e in expected:
            # No early exit: every comparison is made, in constant time.
            ok |= hmac.compare_digest(e, sig.encode())
    return ok


class State:
    """What the handler threads share: the counters and the output file."""

    def __init__(self, args):
        self.args = args
        self.keys = [secret_key(s) for s in args.secrets.split(",") if s]
        self.lock = threading.Lock()
        self.fail_left = args.fail_first
        self.hang_left = args.hang_first
        self.out = open(args.out, "a", encoding="utf-8")

    def take(self, name):
        """Takes one from a counter; whether there was one."""
        with self.lock:
            left = getattr(self, name)
            if left > 0:
                setattr(self, name, left - 1)
                return True
            return False

    def record(self, line):
        with self.lock:
            self.out.write(json.dumps(line, ensure_ascii=False) + "\n")
            self.out.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None  # Set before the server starts.

    def answer(self, code, text=""):
        data = text.encode()
        try:
            self.send_response(code)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if data:
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # The sender gave up (a hang longer than its timeout).

    def do_POST(self):
        state = self.state
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        msg_id = self.headers.get("webhook-id", "")
        timestamp = self.headers.get("webhook-timestamp", "")
        verified = verify(state.keys, msg_id, timestamp, self.headers.get("webhook-signature", ""), body,
                          not state.args.no_time_check)
        try:
            parsed = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            parsed = body.decode("utf-8", errors="replace")
        try:
            ts_value = int(timestamp)
        except ValueError:
            ts_value = timestamp
        # "raw" and "signature" let another implementation (tests/e2e/js) check it again.
        line = {"id": msg_id, "timestamp": ts_value, "verified": verified, "body": parsed,
                "raw": body.decode("utf-8", errors="replace"),
                "signature": self.headers.get("webhook-signature", ""), "path": self.path,
                "received_at": time.time()}
        if not verified:
            state.record(line)
            self.answer(401, "signature not verified")
            return
        if state.take("hang_left"):
            time.sleep(HANG_SECONDS)
            self.answer(504, "hung on purpose")
            return
        failing_file = state.args.fail_until_file and os.path.exists(state.args.fail_until_file)
        if state.take("fail_left") or failing_file:
            self.answer(500, "failing on purpose")
            return
        state.record(line)
        self.answer(204)

    def do_GET(self):
        self.answer(405, "POST only")

    def log_message(self, format, *args):
        sys.stderr.write("webhook_receiver: %s\n" % (format % args))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--secrets", required=True, help="whsec_... secrets, comma-separated")
    parser.add_argument("--out", required=True, help="JSON lines file, appended to")
    parser.add_argument("--fail-first", type=int, default=0, help="answer 500 to the first N requests")
    parser.add_argument("--fail-until-file", default="", help="answer 500 while this file exists")
    parser.add_argument("--hang-first", type=int, default=0, help="sleep 30 s before answering the first N")
    parser.add_argument("--no-time-check", action="store_true", help="accept any webhook-timestamp")
    args = parser.parse_args()

    Handler.state = State(args)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True  # A hanging request does not hold up the exit.
    print("listening on %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
