#!/usr/bin/env python3
"""Keeps tests/data/appsync.json honest: botocore's SigV4Auth on the requests AppSync signs.

Each case names an AppSync endpoint and what to sign, and records the headers botocore gives
the request that the AWS AppSync guides describe for it:

- kind "graphql": POST {endpoint}/connect, body {}   (the GraphQL real-time connection)
- kind "events":  POST {endpoint}, body {}           (an AppSync Events connection)
- kind "message": POST {endpoint}, body = the case's body (a subscription's own authorization)

each with accept: application/json, text/javascript, content-encoding: amz-1.0 and
content-type: application/json; charset=UTF-8. The request is built here, from the guides'
rules, not from the crate. tests/appsync.rs compares the crate's header JSON with `botocore`.

    python3 tests/oracles/appsync_oracle.py --write   run botocore, rewrite the fixture's values
    python3 tests/oracles/appsync_oracle.py --check   what CI runs: botocore still prints the
                                                      fixture's values, the crate agrees
                                                      (cargo test --test appsync), and so does
                                                      examples/appsync.rs on the GraphQL cases

The example's contract: `appsync [--region R] [--time RFC3339] GRAPHQL_URL`, credentials from
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN; the real-time URL and a newline
on stdout; on bad input one line on stderr starting with "appsync: " and exit 2 (usage) or 1.
"""
import argparse
import base64
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FIXTURE = ROOT / "tests" / "data" / "appsync.json"
VENV_PYTHON = ROOT / ".oracles" / "bin" / "python"
ORACLE = HERE / "botocore_sign_headers.py"

HEADERS = {
    "accept": "application/json, text/javascript",
    "content-encoding": "amz-1.0",
    "content-type": "application/json; charset=UTF-8",
}


def request_of(case):
    """The request botocore signs for a case, from the AppSync guides' rules."""
    endpoint = case["input"]["endpoint"]
    kind = case["kind"]
    if kind == "graphql":
        url, body = endpoint.rstrip("/") + "/connect", "{}"
    elif kind == "events":
        url, body = endpoint, "{}"
    elif kind == "message":
        url, body = endpoint, case["input"]["body"]
    else:
        raise SystemExit(f"case {case['name']}: unknown kind {kind!r}")
    job = {k: v for k, v in case["input"].items() if k not in ("endpoint", "body")}
    job.update(url=url, body=body, method="POST", headers=HEADERS, service="appsync")
    return job


def botocore(job):
    proc = subprocess.run(
        [str(VENV_PYTHON), str(ORACLE)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if proc.returncode != 0:
        raise SystemExit(f"botocore failed: {proc.stderr.strip()[-500:]}")
    return json.loads(proc.stdout)


def version():
    out = subprocess.run(
        [str(VENV_PYTHON), "-c", "import botocore; print(botocore.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return f"botocore {out.stdout.strip()}"


def expected_json(case, headers):
    """The header JSON the crate must emit: botocore's headers (x-amz-date lowercase, as the
    AppSync guide writes it) and the endpoint's host."""
    want = {("x-amz-date" if k == "X-Amz-Date" else k): v for k, v in headers.items()}
    want["host"] = case["input"]["endpoint"].split("://", 1)[1].split("/", 1)[0]
    return want


def check_example(cases):
    """Runs examples/appsync.rs on every GraphQL case and on bad input; returns problems."""
    cargo = os.environ.get("CARGO", "cargo")
    built = subprocess.run(
        [cargo, "build", "--quiet", "--example", "appsync", "--message-format=json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    exe = None
    for line in built.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "appsync":
            exe = msg.get("executable")
    if built.returncode != 0 or not exe:
        return ["cargo build --example appsync failed:\n" + built.stderr.strip()]
    problems = []
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}

    def run(args, creds):
        env = dict(base_env, AWS_ACCESS_KEY_ID=creds["access_key"],
                   AWS_SECRET_ACCESS_KEY=creds["secret_key"])
        if creds.get("session_token"):
            env["AWS_SESSION_TOKEN"] = creds["session_token"]
        return subprocess.run([exe, *args], env=env, capture_output=True, text=True)

    graphql = [c for c in cases if c["kind"] == "graphql"]
    for case in graphql:
        inp = case["input"]
        region = [] if ".appsync-api." in inp["endpoint"] else ["--region", inp["region"]]
        proc = run([*region, "--time", inp["timestamp"], inp["endpoint"]], inp)
        lines = proc.stdout.splitlines()
        if proc.returncode != 0 or len(lines) != 1 or proc.stderr:
            problems.append(f"example, case {case['name']}: exit {proc.returncode}, "
                            f"stderr {proc.stderr.strip()!r}")
            continue
        url = lines[0]
        head, _, query = url.partition("?")
        header, _, payload = query.partition("&")
        if not (header.startswith("header=") and payload == "payload=e30="):
            problems.append(f"example, case {case['name']}: not header=…&payload=e30=: {head}")
            continue
        got = json.loads(base64.b64decode(header[len("header="):]))
        if got != expected_json(case, case["botocore"]):
            problems.append(f"example, case {case['name']}: header JSON differs from botocore's")
        realtime = head.startswith("wss://") and (
            ".appsync-realtime-api." in head or head.endswith("/graphql/realtime"))
        if not realtime:
            problems.append(f"example, case {case['name']}: not a real-time URL: {head}")
    creds = graphql[0]["input"]
    for name, args, status in [
        ("no URL", [], 2),
        ("unknown option", ["--expires", "300", creds["endpoint"]], 2),
        ("time not RFC 3339", ["--time", "2020-01-31", creds["endpoint"]], 2),
        ("custom domain without --region", ["https://api.example.com/graphql"], 1),
        ("bad region", ["--region", "US-EAST-1", creds["endpoint"]], 1),
    ]:
        proc = run(args, creds)
        err = proc.stderr.splitlines()
        ok = (proc.returncode == status and not proc.stdout and len(err) == 1
              and err[0].startswith("appsync: ") and creds["secret_key"] not in proc.stderr)
        if not ok:
            problems.append(f"example, {name}: exit {proc.returncode} (want {status}), "
                            f"stdout {proc.stdout!r}, stderr {proc.stderr!r}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true")
    mode.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if not VENV_PYTHON.exists():
        raise SystemExit("the oracles are not installed: run tests/oracles/setup.sh first")
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    problems = []
    if args.write:
        fixture["oracle_version"] = version()
    elif fixture.get("oracle_version") != version():
        problems.append(f"installed {version()} is not the fixture's {fixture.get('oracle_version')}")
    for case in fixture["cases"]:
        headers = botocore(request_of(case))
        if args.write:
            case["botocore"] = headers
        elif case.get("botocore") != headers:
            problems.append(
                f"case {case['name']}: botocore now gives other headers\n"
                f"    fixture: {case.get('botocore')}\n    botocore: {headers}"
            )
    if args.write:
        FIXTURE.write_text(json.dumps(fixture, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {FIXTURE.relative_to(ROOT)}: {len(fixture['cases'])} cases")
        return
    cargo = os.environ.get("CARGO", "cargo")
    test = subprocess.run(
        [cargo, "test", "--quiet", "--features", "appsync", "--test", "appsync"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if test.returncode != 0:
        problems.append("cargo test --test appsync failed:\n" + (test.stdout + test.stderr).strip())
    problems += check_example(fixture["cases"])
    for p in problems:
        print("FAILED " + p)
    if problems:
        sys.exit(1)
    print(
        f"appsync_oracle --check: OK ({len(fixture['cases'])} cases; botocore unchanged; "
        "the crate and examples/appsync.rs agree)"
    )


if __name__ == "__main__":
    main()
