#!/usr/bin/env python3
# Test tooling for tests/http_feature.rs: prints the three `Authorization` values it expects
# (BOTOCORE_POST, BOTOCORE_HOST_HEADER, BOTOCORE_UTF8_HEADER), signed by botocore's SigV4Auth.
# Run with the oracles' environment: tests/oracles/setup.sh, then
#   .oracles/bin/python tests/oracles/botocore_http_feature.py
# The clock is frozen as botocore_presign.py freezes it (botocore's own unit tests' way).
import datetime
from unittest import mock

import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

AT = datetime.datetime(2020, 1, 31, 10, 2, 33, tzinfo=datetime.timezone.utc)
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEBYaDHhBTEXAMPLETOKEN+/="
CONNECTION = "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/@connections/R0oXAdfD0kwCH6w="
BODY = b'{"message":"hello"}'


def sign(method, url, headers, body, token, region="us-east-1", service="execute-api"):
    request = AWSRequest(method=method, url=url, data=body)
    for name, value in headers:
        request.headers[name] = value  # email.message semantics: a repeated name is appended
    clock = mock.Mock(wraps=datetime.datetime)
    clock.now.return_value = AT
    clock.utcnow.return_value = AT.replace(tzinfo=None)
    with mock.patch.object(botocore.auth.datetime, "datetime", clock):
        SigV4Auth(Credentials("AKIDEXAMPLE", SECRET, token), service, region).add_auth(request)
    return request.headers["Authorization"]


print("BOTOCORE_POST", sign("POST", CONNECTION, [
    ("Content-Type", "application/json"),
    ("User-Agent", "my-app/1.0"),
    ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
    ("X-Custom", "a"),
    ("X-Custom", "b"),
], BODY, TOKEN))
print("BOTOCORE_HOST_HEADER", sign("POST", CONNECTION, [
    ("Host", "ws.example.com"),
    ("Content-Type", "application/json"),
], BODY, None))
print("BOTOCORE_UTF8_HEADER", sign("GET", CONNECTION, [("X-Name", "Zoë")], b"", None))
