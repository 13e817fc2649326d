// The package in Node.js (`npm test`, after `npm run build`). Expected URLs and signatures are
// read from the Rust crate's test data (tests/data/differential.json: URLs that botocore,
// @smithy/signature-v4 or aws-c-auth printed), never recomputed here.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { inspect, presignUrl } from "sigv4-wss";

const repo = new URL("../../", import.meta.url);
const fixture = JSON.parse(readFileSync(new URL("tests/data/differential.json", repo), "utf8"));
const readme = readFileSync(new URL("README.md", repo), "utf8");
const byName = (name) => fixture.cases.find((c) => c.name === name);

const credentialsOf = (input) => ({
  accessKeyId: input.access_key,
  secretAccessKey: input.secret_key,
  sessionToken: input.session_token,
});

function presignCase({ input }) {
  return presignUrl(input.url, credentialsOf(input), {
    region: input.region,
    service: input.service,
    expires: input.expires,
    time: new Date(input.timestamp),
    sessionTokenMode: { signed: "signed", unsigned: "unsigned" }[input.session_token_mode],
  });
}

const signature = (url) => new URL(url).searchParams.get("X-Amz-Signature");

/** The query parameters, percent-decoded to byte strings (`+` is a plus), sorted. */
function decodedParams(url) {
  const query = url.split("#")[0].split("?")[1] ?? "";
  return query
    .split("&")
    .filter(Boolean)
    .map((item) => {
      const [key, ...value] = item.split("=");
      const decode = (s) =>
        s.replace(/%([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
      return `${decode(key)}=${decode(value.join("="))}`;
    })
    .sort();
}

/** The oracle's URL with X-Amz-Security-Token moved last, where the crate writes it. */
function tokenLast(url) {
  const [head, query] = url.split("?");
  const params = query.split("&");
  const token = params.filter((p) => p.startsWith("X-Amz-Security-Token="));
  return `${head}?${[...params.filter((p) => !token.includes(p)), ...token].join("&")}`;
}

test("the main case without a token is the reference URL", () => {
  const main = byName("main-case");
  assert.equal(presignCase(main), main.oracle_url);
  assert.ok(main.oracle_url.endsWith("X-Amz-Signature=dffa095e6ac761dc6b1d437ca928014f3cf49a8ab0ecb21154a8c82c735864e6"));
});

test("the main case with its 800-character token is the reference URL, token last", () => {
  const main = byName("main-case-bench-token");
  assert.equal(main.input.session_token.length, 800);
  const url = presignCase(main);
  assert.equal(url, tokenLast(main.oracle_url));
  assert.equal(signature(url), "4fc3689a4477c18d6e19bf81d8f3b724b02886cd4ac45891af93dce35469328b");
});

test("region and service come from the host, expires defaults to 300, time may be a number", () => {
  const { input, oracle_url } = byName("main-case");
  const url = presignUrl(input.url, credentialsOf(input), { time: Date.parse(input.timestamp) });
  assert.equal(url, oracle_url);
  assert.equal(new URL(url).searchParams.get("X-Amz-Expires"), "300");
});

test("the time defaults to now", () => {
  const { input } = byName("main-case");
  const before = Math.floor(Date.now() / 1000);
  const date = new URL(presignUrl(input.url, credentialsOf(input))).searchParams.get("X-Amz-Date");
  const after = Math.floor(Date.now() / 1000);
  const iso = date.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, "$1-$2-$3T$4:$5:$6Z");
  const signed = Date.parse(iso) / 1000;
  assert.ok(before <= signed && signed <= after, `${date} not between ${before} and ${after}`);
});

test("every differential case carries its oracle's signature and parameters", () => {
  const refused = [];
  for (const c of fixture.cases) {
    let url;
    try {
      url = presignCase(c);
    } catch (error) {
      refused.push(`${c.name}: ${error.code}`);
      continue;
    }
    assert.equal(signature(url), signature(c.oracle_url), c.name);
    assert.deepEqual(decodedParams(url), decodedParams(c.oracle_url), c.name);
  }
  // Refused by design, as in tests/differential.rs. The non-ASCII host (idn-host) signs:
  // the package converts it with the platform's URL parser.
  assert.deepEqual(refused, [
    "path-double-slash-and-dot: InvalidUrl",
    "userinfo: UserInfoInUrl",
    "path-trailing-double-slash: InvalidUrl",
  ]);
  assert.ok(fixture.cases.some((c) => c.name === "idn-host" && /[^\x00-\x7f]/.test(c.input.url)));
});

/** Runs `f` and returns what it threw. */
function thrown(f) {
  try {
    f();
  } catch (error) {
    return error;
  }
  assert.fail("nothing was thrown");
}

test("bad input throws Errors with the crate's message and a code", () => {
  const { input } = byName("main-case");
  const creds = credentialsOf(input);
  const cases = [
    [() => presignUrl("ftp://host/", creds), "UnsupportedScheme", /unsupported URL scheme "ftp"/],
    [() => presignUrl("/dev?room=1", creds), "RelativeUrl", /relative URL/],
    [() => presignUrl("wss://user:pw@example.com/", creds, { region: "us-east-1", service: "execute-api" }), "UserInfoInUrl", /user name or password/],
    [() => presignUrl("wss://chat.example.com/", creds), "UnknownEndpoint", /give them explicitly/],
    [() => presignUrl(input.url, creds, { region: "US-EAST-1" }), "InvalidRegion", /invalid region "US-EAST-1"/],
    [() => presignUrl(input.url, creds, { expires: 0 }), "ExpiresOutOfRange", /1 to 604800 seconds/],
    [() => presignUrl(input.url, creds, { expires: 1.5 }), "ExpiresNotWholeSeconds", /whole number/],
    [() => presignUrl("wss://transcribestreaming.us-west-2.amazonaws.com:8443/stream-transcription-websocket", creds, { expires: 301 }), "ExpiresOutOfRange", /transcribe allows 1 to 300/],
    [() => presignUrl(input.url, creds, { time: new Date("1969-12-31T23:59:59Z") }), "TimeOutOfRange", /year 1969/],
    [() => presignUrl(input.url, creds, { time: Date.UTC(10000, 0, 1) }), "TimeOutOfRange", /year 10000/],
    [() => presignUrl(input.url, creds, { time: -1e15 }), "TimeOutOfRange", /year -29719/],
    [() => presignUrl(input.url, { ...creds, accessKeyId: "AKID/1" }), "InvalidAccessKeyId", /invalid access key id/],
    [() => presignUrl(input.url, { ...creds, sessionToken: "" }), "InvalidSessionToken", /invalid session token/],
    [() => presignUrl(input.url, creds, { time: new Date("not a date") }), "InvalidArgument", /options.time/],
    [() => presignUrl(input.url, creds, { expires: "300" }), "InvalidArgument", /options.expires/],
    [() => presignUrl(input.url, creds, { sessionTokenMode: "always" }), "InvalidArgument", /sessionTokenMode/],
    [() => presignUrl(input.url, creds, { region: 1 }), "InvalidArgument", /options.region must be a string/],
    [() => presignUrl(input.url, null), "InvalidArgument", /credentials must be an object/],
    [() => presignUrl(input.url, { accessKeyId: "AKIDEXAMPLE" }), "InvalidArgument", /credentials.secretAccessKey/],
    [() => presignUrl(undefined, creds), "InvalidArgument", /url must be a string/],
    [() => inspect(input.url), "MissingParameter", /X-Amz-Algorithm/],
    [() => inspect(42), "InvalidArgument", /url must be a string/],
  ];
  for (const [f, code, message] of cases) {
    const error = thrown(f);
    assert.ok(error instanceof Error, String(error));
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
  }
});

test("no message shows a secret or a token", () => {
  const { input } = byName("main-case-bench-token");
  const secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY with a space";
  const token = `${input.session_token} `;
  for (const creds of [
    { accessKeyId: "AKIDEXAMPLE", secretAccessKey: secret },
    { accessKeyId: "AKIDEXAMPLE", secretAccessKey: input.secret_key, sessionToken: token },
  ]) {
    const error = thrown(() => presignUrl(input.url, creds));
    assert.ok(!error.message.includes("wJalr") && !error.message.includes(input.session_token.slice(0, 20)), error.message);
  }
  const url = presignCase(byName("main-case-bench-token"));
  assert.ok(!inspect(url).text.includes(input.session_token.slice(0, 20)));
});

test("inspect reads the main case's URL as the README shows", () => {
  const section = readme.slice(readme.indexOf("## Debugging a `403`"));
  const printed = /\nprints\n\n```text\n([\s\S]*?)\n```/.exec(section)[1];
  const inspection = inspect(byName("main-case").oracle_url);
  assert.equal(inspection.text, printed);
  assert.deepEqual(
    [inspection.accessKeyId, inspection.region, inspection.service, inspection.signedAt],
    ["AKIDEXAMPLE", "us-east-1", "execute-api", "20200131T100233Z"],
  );
  assert.deepEqual([inspection.expires, inspection.signedHeaders], [300, "host"]);
  assert.equal(inspection.credentialScope, "20200131/us-east-1/execute-api/aws4_request");
  assert.ok(inspection.canonicalRequest.startsWith("GET\n/dev\nX-Amz-Algorithm=AWS4-HMAC-SHA256&"));
  assert.equal(inspection.stringToSign, printed.split("String to sign:\n")[1]);
});

test("the command line prints the main case and refuses bad input", () => {
  const { input, oracle_url } = byName("main-case");
  const cli = new URL("../bin/presign.mjs", import.meta.url).pathname;
  const env = { ...process.env, AWS_ACCESS_KEY_ID: input.access_key, AWS_SECRET_ACCESS_KEY: input.secret_key };
  delete env.AWS_SESSION_TOKEN;
  const out = execFileSync(process.execPath, [cli, "--time", input.timestamp, input.url], { env, encoding: "utf8" });
  assert.equal(out, `${oracle_url}\n`);
  const bad = spawnSync(process.execPath, [cli, "--expires", "abc", input.url], { env, encoding: "utf8" });
  assert.deepEqual([bad.status, bad.stdout], [2, ""]);
  assert.match(bad.stderr, /^presign: --expires "abc" is not a whole number of seconds \(1 to 604800\)\n$/);
});
