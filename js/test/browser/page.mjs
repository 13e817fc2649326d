// The package in a page: imports it as a browser does (browser.js fetches the .wasm), presigns
// the main case and checks it against the crate's test data, then connects to the verifying
// server whose address is in the page's query (?gateway=ws://127.0.0.1:PORT). Reports to the
// server that serves the page (POST /report); see run.mjs.
import { presignUrl } from "../../browser.js";

const results = [];
async function check(name, body) {
  try {
    await body();
    results.push({ name, ok: true });
  } catch (error) {
    results.push({ name, ok: false, detail: String(error?.stack ?? error) });
  }
}
function equal(actual, expected) {
  if (actual !== expected) throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

const fixture = await (await fetch("/tests/data/differential.json")).json();
const byName = (name) => fixture.cases.find((c) => c.name === name);
const credentialsOf = (input) => ({
  accessKeyId: input.access_key,
  secretAccessKey: input.secret_key,
  sessionToken: input.session_token,
});
const signature = (url) => new URL(url).searchParams.get("X-Amz-Signature");

await check("the main case without a token is the reference URL", () => {
  const { input, oracle_url } = byName("main-case");
  equal(presignUrl(input.url, credentialsOf(input), { time: new Date(input.timestamp) }), oracle_url);
});

await check("the main case with its token has the reference signature, token last", () => {
  const { input, oracle_url } = byName("main-case-bench-token");
  const url = presignUrl(input.url, credentialsOf(input), { time: new Date(input.timestamp) });
  equal(signature(url), "4fc3689a4477c18d6e19bf81d8f3b724b02886cd4ac45891af93dce35469328b");
  equal(signature(url), signature(oracle_url));
  equal(url.split("&").at(-1), oracle_url.split("&").find((p) => p.startsWith("X-Amz-Security-Token=")));
});

await check("bad input throws an Error with a code", () => {
  try {
    presignUrl("ftp://host/", credentialsOf(byName("main-case").input));
  } catch (error) {
    equal(error instanceof Error, true);
    equal(error.code, "UnsupportedScheme");
    return;
  }
  throw new Error("nothing was thrown");
});

/** Opens `url`, sends a message once open: the echo, or what the page saw instead. */
function exchange(url, message) {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    let seen = "";
    socket.onopen = () => socket.send(message);
    socket.onmessage = (event) => {
      socket.onclose = null;
      socket.close();
      resolve(`echo ${event.data}`);
    };
    socket.onerror = () => (seen = "error, ");
    socket.onclose = (event) => resolve(`${seen}close ${event.code}`);
  });
}

// The server accepts the main case's credentials with their token (tests/browser/run).
const gateway = new URLSearchParams(location.search).get("gateway");
const presignForGateway = (path) =>
  presignUrl(`${gateway}${path}`, credentialsOf(byName("main-case-bench-token").input), {
    region: "us-east-1",
    service: "execute-api",
  });

await check("a presigned URL connects to the verifying server and gets its echo", async () => {
  equal(await exchange(presignForGateway("/dev?room=page"), "hello from the page"), "echo hello from the page");
});

await check("a tampered URL is refused", async () => {
  const url = presignForGateway("/dev?room=page").replace("room=page", "room=pagf");
  equal(await exchange(url, "let me in"), "error, close 1006");
});

await fetch("/report", { method: "POST", body: JSON.stringify(results) });
