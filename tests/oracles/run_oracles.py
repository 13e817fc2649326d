#!/usr/bin/env python3
"""Keeps tests/data/differential.json honest: runs the oracles on its cases.

The fixture is a list of cases, each {name, input, oracle, oracle_url, note}. `input` is what
every oracle script reads on stdin (url, region, service, access_key, secret_key, optional
session_token, timestamp, expires), plus an optional `session_token_mode` ("signed" or
"unsigned") that only the crt oracle can honour. tests/differential.rs compares the crate's
URL for each input with `oracle_url`.

    python3 tests/oracles/run_oracles.py --write [NAME...]   run the oracles, rewrite the URLs
    python3 tests/oracles/run_oracles.py --check             what CI runs; see below
    python3 tests/oracles/run_oracles.py --survey [NAME...]  every oracle on every case

--check fails (exit 1) if
  1. the installed oracle versions are not the ones recorded in the fixture,
  2. any oracle now prints a URL other than the fixture's `oracle_url` (byte for byte),
  3. `cargo test --test differential` fails (the crate disagrees with an oracle URL),
  4. any crate URL or oracle URL does not verify under the strict server model
     (sigv4_check.py, RFC 3986 query decoding: `+` is a plus; the session token left out of
     the signature where it is unsigned: AWS IoT by default, or session_token_mode),
  5. the crate does not refuse an input listed in CRATE_REFUSES (or refuses another one).
--survey runs botocore, smithy and crt on each case (whatever the case's own oracle) and the
crate, and prints which agree with the crate and which verify under the strict model: the
way to choose an oracle for a new case (see the known disagreements in the notes).

Run tests/oracles/setup.sh first: the Python oracles run in .oracles/ (a virtual environment),
the JavaScript one from tests/oracles/node_modules. This script itself needs only the
standard library (and cargo for --check and --survey).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote_to_bytes

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FIXTURE = ROOT / "tests" / "data" / "differential.json"
VENV_PYTHON = ROOT / ".oracles" / "bin" / "python"
NODE_MODULES = HERE / "node_modules"

sys.path.insert(0, str(HERE))
import sigv4_check  # noqa: E402  (copied next to this script)

ORACLES = {
    "botocore": [str(VENV_PYTHON), str(HERE / "botocore_presign.py")],
    "smithy": ["node", str(HERE / "smithy_presign.mjs")],
    "crt": [str(VENV_PYTHON), str(HERE / "crt_presign.py")],
}
# The same oracles, many cases per process (they call the scripts' own presign functions).
BATCH = {
    "python": [str(VENV_PYTHON), str(HERE / "batch_presign.py")],
    "node": ["node", str(HERE / "batch_presign.mjs")],
}
RUNTIME = {"botocore": "python", "crt": "python", "smithy": "node"}
TOKEN_MODES = {None: "auto", "signed": "0", "unsigned": "1"}
# Inputs the crate refuses by design: case name -> text its error message must contain. A URL
# with a user name or password is refused (Error::UserInfoInUrl: WebSocket clients would send
# them as an Authorization header beside the query signature), and a path with an empty
# segment (//, which SigV4 signs as none); tests/differential.rs compares the oracle's URL with
# the crate's URL for the same input without the user information, or with // as /.
CRATE_REFUSES = {
    "userinfo": "user name or password",
    "path-double-slash-and-dot": "empty path segment",
    "path-trailing-double-slash": "empty path segment",
}


class Failure(Exception):
    pass


def oracle_job(oracle, case_input):
    """What to give `oracle` for `case_input`: (stdin payload, extra environment)."""
    if oracle not in ORACLES:
        raise Failure(f"unknown oracle {oracle!r}; expected one of {', '.join(ORACLES)}")
    mode = case_input.get("session_token_mode")
    if mode not in TOKEN_MODES:
        raise Failure(f"unknown session_token_mode {mode!r}; expected signed or unsigned")
    payload = {k: v for k, v in case_input.items() if k != "session_token_mode"}
    if oracle == "crt":
        return payload, {"CRT_OMIT_SESSION_TOKEN": TOKEN_MODES[mode]}
    if mode is not None:
        raise Failure(f"{oracle} cannot leave the token signed/unsigned on request")
    return payload, {}


def run_oracle(oracle, case_input):
    """The URL that the standalone oracle script prints for `case_input`; raises Failure."""
    payload, extra_env = oracle_job(oracle, case_input)
    try:
        proc = subprocess.run(
            ORACLES[oracle],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            timeout=120,
            env=dict(os.environ, **extra_env),
            cwd=HERE,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Failure(f"{oracle} did not run: {e}") from e
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or len(lines) != 1:
        err = proc.stderr.strip().splitlines()[-3:]
        raise Failure(f"{oracle} failed (exit {proc.returncode}): {' | '.join(err)}")
    return lines[0]


def run_batch(jobs):
    """Runs [(oracle, case_input)] with one process per runtime; returns [(url, error)]."""
    results = [None] * len(jobs)
    groups = {}
    for i, (oracle, case_input) in enumerate(jobs):
        try:
            payload, extra_env = oracle_job(oracle, case_input)
        except Failure as e:
            results[i] = (None, str(e))
            continue
        groups.setdefault(RUNTIME[oracle], []).append(
            (i, {"oracle": oracle, "input": payload, "env": extra_env})
        )

    def run_group(runtime):
        items = groups[runtime]
        try:
            proc = subprocess.run(
                BATCH[runtime],
                input=json.dumps([job for _, job in items]),
                capture_output=True,
                text=True,
                timeout=600,
                cwd=HERE,
            )
            out = json.loads(proc.stdout) if proc.returncode == 0 else None
        except (OSError, subprocess.TimeoutExpired, ValueError) as e:
            out, proc = None, e
        if not isinstance(out, list) or len(out) != len(items):
            err = getattr(proc, "stderr", str(proc)).strip().splitlines()[-3:]
            why = f"the {runtime} oracles did not run: {' | '.join(err)}"
            return [(i, (None, why)) for i, _ in items]
        return [(i, (r.get("url"), r.get("error"))) for (i, _), r in zip(items, out)]

    with ThreadPoolExecutor(max_workers=len(BATCH)) as pool:
        for done in pool.map(run_group, list(groups)):
            for i, result in done:
                results[i] = result
    return results


def installed_versions():
    """Versions of the installed oracles; raises Failure if they are not installed."""
    if not VENV_PYTHON.exists() or not NODE_MODULES.exists():
        raise Failure("the oracles are not installed: run tests/oracles/setup.sh first")
    code = (
        "from importlib.metadata import version as v; "
        "print(v('botocore')); print(v('awscrt'))"
    )
    try:
        out = subprocess.run(
            [str(VENV_PYTHON), "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
        package = NODE_MODULES / "@smithy" / "signature-v4" / "package.json"
        smithy = json.loads(package.read_text())
    except (OSError, ValueError, subprocess.CalledProcessError) as e:
        raise Failure(f"the oracles are not installed properly ({e}): run tests/oracles/setup.sh") from e
    return {
        "botocore": f"botocore {out[0]}",
        "crt": f"awscrt {out[1]} (aws-c-auth)",
        "smithy": f"@smithy/signature-v4 {smithy['version']}",
    }


def load():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def save(fixture):
    text = json.dumps(fixture, indent=2, ensure_ascii=False) + "\n"
    FIXTURE.write_text(text, encoding="utf-8")


def decoded_params(url):
    """The query parameters, percent-decoded (`+` is a plus), as a sorted list."""
    query = url.partition("#")[0].partition("?")[2]
    params = []
    for item in query.split("&"):
        if item:
            k, _, v = item.partition("=")
            params.append((unquote_to_bytes(k), unquote_to_bytes(v)))
    return sorted(params)


def same_request(a, b):
    """What tests/differential.rs checks: equal signature and equal decoded parameters."""
    pa, pb = decoded_params(a), decoded_params(b)
    sig = lambda ps: [v for k, v in ps if k == b"X-Amz-Signature"]  # noqa: E731
    return pa == pb and len(sig(pa)) == 1 and sig(pa) == sig(pb)


def token_unsigned(case_input):
    mode = case_input.get("session_token_mode")
    if mode is not None:
        return mode == "unsigned"
    return case_input["service"] == "iotdevicegateway"


def strict_ok(url, case_input):
    """Whether the strict server model (sigv4_check.py, RFC 3986 query) accepts the URL."""
    ok, _, _ = sigv4_check.check(
        url,
        case_input["secret_key"],
        plus_as_space=False,
        token_unsigned=token_unsigned(case_input),
    )
    return ok


def crate_urls():
    """The crate's URL for every case, from `cargo test --test differential`.

    Returns (urls, test_passed, cargo_output)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "crate-urls.json"
        env = dict(os.environ, SIGV4_WSS_DIFFERENTIAL_OUT=str(out), RUST_BACKTRACE="0")
        cargo = os.environ.get("CARGO", "cargo")
        try:
            proc = subprocess.run(
                [cargo, "test", "--quiet", "--test", "differential"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
        except OSError as e:
            raise Failure(f"cannot run {cargo}: {e}") from e
        urls = json.loads(out.read_text()) if out.exists() else {}
    return urls, proc.returncode == 0, proc.stdout + proc.stderr


def select(cases, names):
    if not names:
        return cases
    known = {c["name"] for c in cases}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise Failure(f"no such case: {', '.join(unknown)}")
    return [c for c in cases if c["name"] in names]


def cmd_write(names):
    fixture = load()
    fixture["oracle_versions"] = installed_versions()
    cases = select(fixture["cases"], names)
    results = run_batch([(c["oracle"], c["input"]) for c in cases])
    failed = 0
    for case, (url, err) in zip(cases, results):
        if err:
            print(f"FAILED {case['name']}: {err}")
            failed += 1
            continue
        state = "unchanged" if case.get("oracle_url") == url else "written"
        case["oracle_url"] = url
        warn = "" if strict_ok(url, case["input"]) else "  (WARNING: fails the strict model)"
        print(f"{state:9} {case['name']} [{case['oracle']}]{warn}")
    save(fixture)
    print(f"wrote {FIXTURE.relative_to(ROOT)}: {len(cases) - failed} of {len(cases)} cases")
    return failed == 0


def cmd_check():
    fixture = load()
    cases = fixture["cases"]
    problems = []

    have = installed_versions()
    want = fixture.get("oracle_versions", {})
    if have != want:
        problems.append(
            f"installed oracles {have} are not the fixture's {want}: "
            "run tests/oracles/setup.sh, or regenerate with --write after a version bump"
        )

    started = time.monotonic()
    results = run_batch([(c["oracle"], c["input"]) for c in cases])
    for case, (url, err) in zip(cases, results):
        if err:
            problems.append(f"case {case['name']}: {err}")
        elif url != case.get("oracle_url"):
            problems.append(
                f"case {case['name']}: {case['oracle']} now prints a different URL\n"
                f"    fixture: {case.get('oracle_url')}\n    oracle:  {url}"
            )
        elif not strict_ok(url, case["input"]):
            problems.append(f"case {case['name']}: the {case['oracle']} URL fails the strict model")
    # The batch runners call the scripts' presign functions; check on the first case of each
    # oracle that the standalone script prints the very same URL.
    for oracle in sorted({c["oracle"] for c in cases}):
        i, case = next((i, c) for i, c in enumerate(cases) if c["oracle"] == oracle)
        try:
            alone = run_oracle(oracle, case["input"])
        except Failure as e:
            problems.append(f"case {case['name']}: {e}")
            continue
        if alone != results[i][0]:
            problems.append(
                f"case {case['name']}: {oracle}'s script and its batch runner disagree\n"
                f"    script: {alone}\n    batch:  {results[i][0]}"
            )
    oracle_secs = time.monotonic() - started

    started = time.monotonic()
    urls, passed, output = crate_urls()
    cargo_secs = time.monotonic() - started
    if not passed:
        problems.append("cargo test --test differential failed:\n" + output.rstrip())
    names = {case["name"] for case in cases}
    for name in sorted(set(CRATE_REFUSES) - names):
        problems.append(f"CRATE_REFUSES names {name}, which is not a case of the fixture")
    checked = 0
    for case in cases:
        url = urls.get(case["name"])
        refusal = CRATE_REFUSES.get(case["name"])
        if refusal is not None:
            if url is None or not url.startswith("error:") or refusal not in url:
                problems.append(
                    f"case {case['name']}: the crate should refuse this input "
                    f"(an error with {refusal!r}), but gave {url}"
                )
            continue
        checked += 1
        if url is None or url.startswith("error:"):
            problems.append(f"case {case['name']}: no crate URL ({url})")
        elif not strict_ok(url, case["input"]):
            ok, expected, canonical = sigv4_check.check(
                url, case["input"]["secret_key"], token_unsigned=token_unsigned(case["input"])
            )
            problems.append(
                f"case {case['name']}: the crate's URL fails the strict server model\n"
                f"    url: {url}\n    model's signature: {expected}\n"
                f"    model's canonical request:\n      " + canonical.replace("\n", "\n      ")
            )

    counts = {}
    for case in cases:
        counts[case["oracle"]] = counts.get(case["oracle"], 0) + 1
    summary = ", ".join(f"{n} {o}" for o, n in sorted(counts.items()))
    print(
        f"run_oracles --check: {len(cases)} cases ({summary}); "
        f"oracles {oracle_secs:.1f} s, cargo test {cargo_secs:.1f} s; "
        f"{checked} crate URLs checked, {len(cases) - checked} inputs refused by the crate"
    )
    for p in problems:
        print("FAILED " + p)
    if problems:
        print(f"run_oracles --check: FAILED ({len(problems)} problems)")
        return False
    print("run_oracles --check: OK (oracle URLs unchanged; crate agrees; all URLs verify)")
    return True


def cmd_survey(names):
    fixture = load()
    cases = select(fixture["cases"], names)
    urls, _, output = crate_urls()
    if not urls:
        raise Failure("cargo test --test differential wrote no URLs:\n" + output.rstrip())
    jobs = [(c, o) for c in cases for o in ORACLES]
    results = run_batch([(oracle, case["input"]) for case, oracle in jobs])
    by_case = {}
    for (case, oracle), res in zip(jobs, results):
        by_case.setdefault(case["name"], {})[oracle] = res
    print("= agrees with the crate, ≠ differs, - cannot run; ✓/✗ strict server model")
    for case in cases:
        ours = urls.get(case["name"], "error: not run")
        mark = "✗" if ours.startswith("error:") else "✓" if strict_ok(ours, case["input"]) else "✗"
        cols = []
        for oracle in ORACLES:
            url, err = by_case[case["name"]][oracle]
            if err:
                cols.append(f"{oracle} -")
                continue
            same = "=" if not ours.startswith("error:") and same_request(ours, url) else "≠"
            cols.append(f"{oracle} {same}{'✓' if strict_ok(url, case['input']) else '✗'}")
        print(f"{case['name']:40} crate {mark}  " + "  ".join(cols) + f"   [uses {case['oracle']}]")
        if ours.startswith("error:"):
            print(f"    crate {ours}")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="run the oracles, rewrite oracle_url")
    mode.add_argument("--check", action="store_true", help="fail unless everything agrees")
    mode.add_argument("--survey", action="store_true", help="every oracle on every case")
    parser.add_argument("names", nargs="*", help="only these cases (--write, --survey)")
    args = parser.parse_args()
    try:
        if args.write:
            ok = cmd_write(args.names)
        elif args.survey:
            ok = cmd_survey(args.names)
        else:
            if args.names:
                parser.error("--check always checks every case")
            ok = cmd_check()
    except Failure as e:
        print(f"run_oracles: FAILED: {e}")
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
