#!/usr/bin/python3
"""Independent Standard Webhooks verifier (Python stdlib only) used by vakt's notify tests.

Usage: verify_standard_webhook.py SECRET MSG_ID TIMESTAMP SIGNATURE_HEADER BODY_FILE
Exit status 0 when one "v1," entry of SIGNATURE_HEADER is
base64(HMAC-SHA256(base64decode(SECRET minus "whsec_"), MSG_ID + "." + TIMESTAMP + "." + body)),
1 otherwise. Timestamp tolerance is the C++ verifier's job; this checks the MAC only.
"""
import base64
import hashlib
import hmac
import sys


def main() -> int:
    secret, msg_id, timestamp, header, body_file = sys.argv[1:6]
    if secret.startswith("whsec_"):
        secret = secret[len("whsec_"):]
    key = base64.b64decode(secret, validate=True)
    with open(body_file, "rb") as handle:
        body = handle.read()
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for entry in header.split(" "):
        version, _, signature = entry.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
