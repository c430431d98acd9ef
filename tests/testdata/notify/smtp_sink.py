#!/usr/bin/python3
"""A real SMTP server for vakt's e-mail notifier tests (Debian's python3-aiosmtpd).

Usage: smtp_sink.py PORT OUT_DIR
Listens on 127.0.0.1:PORT. Each accepted message N is written as OUT_DIR/msg_N.eml (the raw
bytes received) and OUT_DIR/msg_N.json (envelope plus what Python's own e-mail parser makes of
the message), so the C++ test checks vakt's MIME output with an independent parser.
Recipients starting with "reject" get 550, with "tempfail" 451.
OUT_DIR/ready appears once the server accepts connections. Stops on SIGTERM.
"""
import email
import email.header
import email.policy
import email.utils
import json
import os
import sys
import time

from aiosmtpd.controller import Controller


def normalise(content):
    """CRLF to LF and no final line break: how the part ends depends on its MIME framing."""
    content = content.replace("\r\n", "\n")
    return content[:-1] if content.endswith("\n") else content


class RecordingHandler:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 no such user"
        if address.startswith("tempfail"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        raw = envelope.original_content or envelope.content
        base = os.path.join(self.out_dir, "msg_%d" % self.count)
        with open(base + ".eml", "wb") as handle:
            handle.write(raw)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        # compat32 keeps header values as received (encoded words, folding) for the raw checks.
        legacy = email.message_from_bytes(raw)
        raw_subject = legacy.get("Subject", "")
        summary = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "header_names": list(legacy.keys()),
            "raw_subject": raw_subject,
            "subject": str(email.header.make_header(email.header.decode_header(raw_subject))),
            "from": str(message.get("From", "")),
            "to": str(message.get("To", "")),
            "message_id": str(message.get("Message-ID", "")),
            "date_epoch": int(email.utils.parsedate_to_datetime(str(message["Date"])).timestamp()),
            "content_type": message.get_content_type(),
            "defects": [type(defect).__name__ for defect in message.defects],
        }
        text_part = message.get_body(preferencelist=("plain",))
        html_part = message.get_body(preferencelist=("html",))
        summary["text"] = normalise(text_part.get_content()) if text_part is not None else None
        summary["html"] = normalise(html_part.get_content()) if html_part is not None else None
        summary["part_types"] = [part.get_content_type() for part in message.walk()]
        with open(base + ".json.tmp", "w", encoding="utf-8") as handle:
            json.dump(summary, handle)
        # Rename so a reader never sees a half-written summary.
        os.rename(base + ".json.tmp", base + ".json")
        return "250 Message accepted for delivery"


def main():
    port = int(sys.argv[1])
    out_dir = sys.argv[2]
    controller = Controller(RecordingHandler(out_dir), hostname="127.0.0.1", port=port)
    controller.start()
    with open(os.path.join(out_dir, "ready"), "w") as handle:
        handle.write(str(port))
    try:
        while True:
            time.sleep(1)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
