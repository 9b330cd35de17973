#!/usr/bin/env python3
"""An SMTP server that keeps every message, for end-to-end tests of e-mail delivery.

Each message is appended to --out as one JSON line, decoded as a mail client would
show it: {"mail_from", "rcpt_tos", "message_id", "subject", "body", "date",
"received_at"} (the subject's RFC 2047 words and the text/plain part's transfer
encoding and charset undone, its line ends as LF). While the --refuse-until-file
exists, DATA is answered "451 4.3.0 try again later", so a test can watch the
service retry.

    smtp_sink.py --port P --out FILE.jsonl [--refuse-until-file PATH]

Prints "listening on PORT" (the chosen port for --port 0) once it accepts
connections; runs until SIGTERM or SIGINT. Needs aiosmtpd (Debian python3-aiosmtpd).
"""

import argparse
import email
import email.header
import json
import os
import re
import signal
import socket
import threading
import time

from aiosmtpd.controller import Controller


def decoded_header(message, name):
    raw = message.get(name)
    if raw is None:
        return ""
    # Unfold (RFC 5322 2.2.3) first: the CRLF goes, the space after it stays, and
    # decode_header drops the space between two encoded words.
    unfolded = re.sub(r"\r?\n(?=[ \t])", "", str(raw))
    return str(email.header.make_header(email.header.decode_header(unfolded)))


def plain_text(message):
    for part in message.walk():
        if part.is_multipart() or part.get_content_type() != "text/plain":
            continue
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "utf-8"
        try:
            text = payload.decode(charset, errors="replace")
        except LookupError:
            text = payload.decode("utf-8", errors="replace")
        return text.replace("\r\n", "\n")
    return ""


class Sink:
    def __init__(self, out_path, refuse_file):
        self.out = open(out_path, "a", encoding="utf-8")
        self.refuse_file = refuse_file
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_file and os.path.exists(self.refuse_file):
            return "451 4.3.0 try again later"
        content = envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode()
        message = email.message_from_bytes(content)
        line = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "message_id": (message.get("Message-ID") or "").strip(),
            "subject": decoded_header(message, "Subject"),
            "body": plain_text(message),
            "date": (message.get("Date") or "").strip(),
            "received_at": time.time(),
        }
        with self.lock:
            self.out.write(json.dumps(line, ensure_ascii=False) + "\n")
            self.out.flush()
        return "250 2.0.0 OK"


def free_port(host):
    # aiosmtpd's Controller connects to its own port to know it is ready, so it
    # needs the number up front.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--out", required=True, help="JSON lines file, appended to")
    parser.add_argument("--refuse-until-file", default="", help="answer 451 to DATA while this file exists")
    args = parser.parse_args()

    port = args.port or free_port(args.host)
    controller = Controller(Sink(args.out, args.refuse_until_file), hostname=args.host, port=port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    controller.start()
    print("listening on %d" % port, flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
