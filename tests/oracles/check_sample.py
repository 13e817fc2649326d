#!/usr/bin/env python3
"""Checks the sample of presigned URLs that `cargo test --test properties` writes
(`target/tmp/properties-sample.json`) with the strict server model `sigv4_check.py`.

Each entry holds the URL the crate returned, the secret key it was signed with and whether
the session token is left out of the signature (AWS IoT). A URL passes when the model
accepts its signature, and also rejects it once the signature, the secret or (with a token)
the token's place is changed, so that the check cannot pass by accepting everything.

Usage: python3 tests/oracles/check_sample.py [SAMPLE.json]   (stdlib only)
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigv4_check  # noqa: E402

MINIMUM = 200


def problems(entry):
    url, secret, unsigned = entry["url"], entry["secret_key"], entry["token_unsigned"]
    ok, expected, canonical = sigv4_check.check(url, secret, token_unsigned=unsigned)
    if not ok:
        return [f"signature differs: the model expects {expected}; canonical request:\n{canonical}"]
    found = []
    head, _, signature = url.partition("X-Amz-Signature=")
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    if sigv4_check.check(head + "X-Amz-Signature=" + flipped, secret, token_unsigned=unsigned)[0]:
        found.append("a changed signature still passes")
    if sigv4_check.check(url, secret + "x", token_unsigned=unsigned)[0]:
        found.append("another secret still passes")
    if entry["has_token"] and sigv4_check.check(url, secret, token_unsigned=not unsigned)[0]:
        found.append("the token passes both signed and unsigned")
    return found


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "..", "target", "tmp", "properties-sample.json")
    path = sys.argv[1] if len(sys.argv) > 1 else default
    try:
        with open(path, encoding="utf-8") as f:
            sample = json.load(f)
    except FileNotFoundError:
        print(f"check_sample: {path} not found; run `cargo test --test properties` first")
        return 1
    if len(sample) < MINIMUM:
        print(f"check_sample: only {len(sample)} URLs in {path}, expected at least {MINIMUM}")
        return 1
    failed = 0
    for entry in sample:
        found = problems(entry)
        if found:
            failed += 1
            print(f"FAIL {entry['input']!r}\n  {entry['url']}")
            for problem in found:
                print("  " + problem.replace("\n", "\n    "))
    print(f"check_sample: {len(sample) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
