#!/usr/bin/env python3
# Written for sigv4-wss (test tooling for tests/appsync.rs; see tests/oracles/README.md).
"""SigV4 header-signing oracle backed by botocore's SigV4Auth.

Reads ONE JSON object on stdin:
    {"url": "https://...", "method": "POST", "body": "{}",
     "headers": {"accept": "...", ...}, "region": "...", "service": "...",
     "access_key": "...", "secret_key": "...", "session_token": "..." (optional),
     "timestamp": "2020-01-31T10:02:33Z"}
and prints, as one JSON object, the headers of the request after
botocore.auth.SigV4Auth.add_auth(): the given ones plus X-Amz-Date,
X-Amz-Security-Token (temporary credentials) and Authorization. botocore signs
every header but its blacklist (user-agent, expect, ...) and adds host from the
URL, so the signed headers are the given ones, host, x-amz-date and the token.

The clock is frozen as botocore_presign.py does it (botocore's own unit tests'
way). Set ORACLE_DEBUG=1 for botocore's canonical request on stderr.
"""
import datetime
import json
import logging
import os
import sys
from unittest import mock

import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def parse_timestamp(ts):
    dt = datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))
    return dt.astimezone(datetime.timezone.utc).replace(microsecond=0)


def sign(case):
    creds = Credentials(case["access_key"], case["secret_key"], case.get("session_token"))
    auth = SigV4Auth(creds, case["service"], case["region"])
    request = AWSRequest(
        method=case.get("method") or "POST",
        url=case["url"],
        data=case["body"].encode("utf-8"),
        headers=dict(case.get("headers") or {}),
    )
    when = parse_timestamp(case["timestamp"])
    patcher = mock.patch.object(
        botocore.auth.datetime, "datetime", mock.Mock(wraps=datetime.datetime)
    )
    mocked = patcher.start()
    try:
        mocked.now.return_value = when
        mocked.utcnow.return_value = when.replace(tzinfo=None)
        auth.add_auth(request)
    finally:
        patcher.stop()
    return dict(request.headers.items())


def main():
    if os.environ.get("ORACLE_DEBUG"):
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
        logging.getLogger("botocore").setLevel(logging.DEBUG)
    print(json.dumps(sign(json.load(sys.stdin)), sort_keys=True))


if __name__ == "__main__":
    main()
