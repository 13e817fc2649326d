#!/usr/bin/env python3
# Copied unchanged from the sigv4-wss project's shared oracle set (crt_presign.py,
# read-only reference material that came with the project); only these lines were added.
# Test tooling for tests/differential.rs: see tests/oracles/README.md.
"""SigV4 query-string presigning oracle backed by the AWS Common Runtime
(awscrt -> aws-c-auth, the C signer inside the AWS IoT Device SDKs v2, the
CRT-based Java/C++/Python SDK paths).

Reads ONE JSON object on stdin (see README.md) and prints the presigned URL.

Signs an awscrt.http.HttpRequest(method, path-with-query-as-written,
headers=[("host", <lowercased hostname>[:<port> if not the scheme default])])
with AwsSigningConfig(signature_type=HTTP_REQUEST_QUERY_PARAMS, date=timestamp,
expiration_in_seconds=expires (None -> no X-Amz-Expires at all), defaults
otherwise: use_double_uri_encode=True, should_normalize_uri_path=True).

omit_session_token: CRT_OMIT_SESSION_TOKEN=auto (default) sets it to True for
service "iotdevicegateway" only, which is exactly what the AWS IoT Device SDK
v2 does (awsiot/mqtt_connection_builder.py, websockets_with_default_aws_signing:
`omit_session_token=True,  # IoT is weird and does not sign X-Amz-Security-Token`);
"0" / "1" force it off / on.
"""
import datetime
import json
import os
import re
import sys

from awscrt import auth, http

DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443"}


def parse_timestamp(ts):
    dt = datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt.astimezone(datetime.timezone.utc).replace(microsecond=0)


def split_url(url):
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)([^#]*)(#.*)?$", url)
    if not m:
        raise ValueError(f"cannot parse URL {url!r}")
    scheme, authority, path_and_query = m.group(1).lower(), m.group(2), m.group(3)
    hp = re.match(r"^(?:[^@]*@)?(\[[^\]]*\]|[^:]*)(?::(\d*))?$", authority)
    hostname = hp.group(1).lower()
    port = hp.group(2) or ""
    host = f"{hostname}:{port}" if port and port != DEFAULT_PORTS.get(scheme) else hostname
    path = path_and_query or "/"
    if path.startswith("?"):
        path = "/" + path
    return scheme, host, path


def presign(case):
    scheme, host, path = split_url(case["url"])
    service = case["service"]
    mode = os.environ.get("CRT_OMIT_SESSION_TOKEN", "auto")
    omit = service == "iotdevicegateway" if mode == "auto" else mode == "1"

    creds = auth.AwsCredentialsProvider.new_static(
        case["access_key"], case["secret_key"], case.get("session_token")
    )
    expires = case.get("expires")
    config = auth.AwsSigningConfig(
        algorithm=auth.AwsSigningAlgorithm.V4,
        signature_type=auth.AwsSignatureType.HTTP_REQUEST_QUERY_PARAMS,
        credentials_provider=creds,
        region=case["region"],
        service=service,
        date=parse_timestamp(case["timestamp"]),
        expiration_in_seconds=int(expires) if expires is not None else None,
        omit_session_token=omit,
    )
    request = http.HttpRequest(
        method=case.get("method") or "GET",
        path=path,
        headers=http.HttpHeaders([("host", host)]),
    )
    auth.aws_sign_request(request, config).result(timeout=30)
    return f"{scheme}://{host}{request.path}"


def main():
    case = json.load(sys.stdin)
    print(presign(case))


if __name__ == "__main__":
    main()
