#!/usr/bin/env python3
"""Runs the Python oracles (botocore_presign.py, crt_presign.py) on many cases in one process.

Reads a JSON list on stdin, each item {"oracle": "botocore" | "crt", "input": {...},
"env": {...}}, calls that oracle script's own presign(input) with `env` set in os.environ for
the call (crt_presign.py reads CRT_OMIT_SESSION_TOKEN there), and prints a JSON list of
{"url": ...} or {"error": ...}, in order. It exists only to save a Python start-up (and a
botocore import) per case; run_oracles.py --check also runs one case per oracle through the
standalone script and checks that both ways print the same URL.
Runs inside the .oracles virtual environment (see setup.sh).
"""
import json
import os
import sys

import botocore_presign
import crt_presign

PRESIGN = {"botocore": botocore_presign.presign, "crt": crt_presign.presign}


def run(job):
    env = job.get("env") or {}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return {"url": PRESIGN[job["oracle"]](job["input"])}
    except Exception as e:  # reported per case, like a failing script
        return {"error": f"{type(e).__name__}: {e}"}
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def main():
    jobs = json.load(sys.stdin)
    json.dump([run(job) for job in jobs], sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
