#!/usr/bin/env bash
# tests/presign_contract.sh PROGRAM [ARGS...]
#
# Checks that PROGRAM follows the command-line contract of examples/presign.rs: the main
# case's URL (with and without its session token, from tests/data/differential.json) and
# nothing else on stdout, exit status 0; on bad input nothing on stdout, one line on stderr
# starting with "presign: " (never the secret), exit status 2 for bad usage and 1 for anything
# else. Prints a transcript (each case's exit status and output) on stdout, so that two
# programs can be compared with diff, and a summary on stderr; exits 1 if a check failed.
# CI runs it on the Rust example and on js/bin/presign.mjs.
set -uo pipefail
cd "$(dirname "$0")/.."

case_field() {  # case_field CASE EXPRESSION: a field of a differential case, in Python
    python3 -c 'import json, sys
case = next(c for c in json.load(open("tests/data/differential.json"))["cases"] if c["name"] == sys.argv[1])
print(eval(sys.argv[2]))' "$1" "$2"
}
url=$(case_field main-case 'case["input"]["url"]')
time=$(case_field main-case 'case["input"]["timestamp"]')
akid=$(case_field main-case 'case["input"]["access_key"]')
secret=$(case_field main-case 'case["input"]["secret_key"]')
main_url=$(case_field main-case 'case["oracle_url"]')
token=$(case_field main-case-bench-token 'case["input"]["session_token"]')
# The oracle writes the token before the signature; the crate writes it last.
# Kinesis Video signaling: botocore's URL for the endpoint as GetSignalingChannelEndpoint gives
# it (no path); the crate writes the path a client sends, "/".
kvs_url=$(case_field kinesis-video-viewer 'case["input"]["url"]')
kvs_expected=$(case_field kinesis-video-viewer 'case["oracle_url"].replace(".com?", ".com/?", 1)')
token_url=$(case_field main-case-bench-token '"&".join(sorted(case["oracle_url"].split("&"), key=lambda p: p.startswith("X-Amz-Security-Token=")))')

passed=0 failed=0
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

# check NAME STATUS EXPECTED_STDOUT ENV... -- ARGS...: runs PROGRAM with the environment
# variables ENV (and no AWS_* others) and ARGS.
check() {
    local name=$1 want_status=$2 want_stdout=$3 env=()
    shift 3
    while [ "$1" != "--" ]; do env+=("$1"); shift; done
    shift
    env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN "${env[@]}" \
        "${program[@]}" "$@" >"$out" 2>"$err" </dev/null
    local status=$? problems=()
    [ "$status" = "$want_status" ] || problems+=("exit status $status, expected $want_status")
    if [ "$want_status" = 0 ]; then
        [ "$(cat "$out")" = "$want_stdout" ] || problems+=("stdout is not the expected URL")
        [ "$(wc -l <"$out")" = 1 ] || problems+=("stdout is not one line")
        [ -s "$err" ] && problems+=("stderr is not empty")
    else
        [ -s "$out" ] && problems+=("stdout is not empty")
        [ "$(wc -l <"$err")" = 1 ] || problems+=("stderr is not one line")
        grep -q '^presign: ' "$err" || problems+=("stderr does not start with 'presign: '")
        grep -qF "wJalrXUtnFEMI" "$err" && problems+=("stderr shows the secret")
    fi
    printf '%s: exit %s\n%s%s' "$name" "$status" "$(cat "$out")" "$(cat "$err")"
    echo
    if [ "${#problems[@]}" -eq 0 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAILED: %s: %s\n' "$name" "$(IFS=';'; echo "${problems[*]}")" >&2
    fi
}

program=("$@")
[ "${#program[@]}" -gt 0 ] || { echo "usage: tests/presign_contract.sh PROGRAM [ARGS...]" >&2; exit 2; }
creds=("AWS_ACCESS_KEY_ID=$akid" "AWS_SECRET_ACCESS_KEY=$secret")
transcribe=wss://transcribestreaming.us-west-2.amazonaws.com:8443/stream-transcription-websocket

check "main case" 0 "$main_url" "${creds[@]}" -- --time "$time" "$url"
check "main case, 800-character token" 0 "$token_url" "${creds[@]}" "AWS_SESSION_TOKEN=$token" -- --time "$time" "$url"
check "empty AWS_SESSION_TOKEN is no token" 0 "$main_url" "${creds[@]}" AWS_SESSION_TOKEN= -- --time "$time" "$url"
check "explicit region, service, expiry" 0 "$main_url" "${creds[@]}" -- \
    --region us-east-1 --service execute-api --expires 300 --time "$time" "$url"
check "Kinesis Video signaling: region and service from the host" 0 "$kvs_expected" "${creds[@]}" -- \
    --expires 299 --time "$time" "$kvs_url"
check "no URL" 2 "" "${creds[@]}" --
check "unknown option" 2 "" "${creds[@]}" -- --frobnicate "$url"
check "flag without value" 2 "" "${creds[@]}" -- "$url" --region
check "two URLs" 2 "" "${creds[@]}" -- "$url" "$url"
check "expires not a number" 2 "" "${creds[@]}" -- --expires 5m "$url"
check "expires negative" 2 "" "${creds[@]}" -- --expires -1 "$url"
check "time not RFC 3339" 2 "" "${creds[@]}" -- --time 2020-01-31 "$url"
check "time on February 30" 2 "" "${creds[@]}" -- --time 2020-02-30T00:00:00Z "$url"
check "unsupported scheme" 1 "" "${creds[@]}" -- ftp://example.com/
check "custom domain without region and service" 1 "" "${creds[@]}" -- wss://chat.example.com/
check "expires 0" 1 "" "${creds[@]}" -- --expires 0 "$url"
check "expires over 7 days" 1 "" "${creds[@]}" -- --expires 604801 "$url"
check "Transcribe over 300 s" 1 "" "${creds[@]}" -- --expires 301 "$transcribe"
check "time before 1970" 1 "" "${creds[@]}" -- --time 1969-12-31T23:59:59Z "$url"
check "no access key id" 1 "" "AWS_SECRET_ACCESS_KEY=$secret" -- "$url"
check "no secret" 1 "" "AWS_ACCESS_KEY_ID=$akid" -- "$url"
check "secret with a space" 1 "" "AWS_ACCESS_KEY_ID=$akid" "AWS_SECRET_ACCESS_KEY=$secret x" -- "$url"

printf 'presign contract (%s): %s passed, %s failed\n' "${program[*]}" "$passed" "$failed" >&2
[ "$failed" -eq 0 ]
