// node test/browser/run.mjs ws://127.0.0.1:PORT
//
// The package in headless Chromium: serves the repository on 127.0.0.1 (the page, the built
// package and tests/data), opens page.html in Chromium with the verifying server's address,
// waits for the page's report and prints one line per check and a summary. Needs `npm run
// build` first, and the verifying server running with the main case's credentials (as
// tests/browser/run at the repository root does). Chromium is Debian's /usr/bin/chromium, or
// $CHROMIUM, started in a process group of its own, which the run stops by its id. Exit
// status 0 when every check passed.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const gateway = process.argv[2];
if (!/^ws:\/\/127\.0\.0\.1:\d+$/.test(gateway ?? "")) {
  console.error("usage: node test/browser/run.mjs ws://127.0.0.1:PORT");
  process.exit(2);
}
const root = fileURLToPath(new URL("../../../", import.meta.url));
const types = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".json": "application/json",
  ".wasm": "application/wasm",
};
const TIMEOUT_MS = 60_000;

let report;
const reported = new Promise((resolve) => (report = resolve));
const server = createServer((request, response) => {
  const path = decodeURIComponent(new URL(request.url, "http://localhost").pathname);
  if (request.method === "POST" && path === "/report") {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      response.end();
      report(JSON.parse(body));
    });
    return;
  }
  const file = normalize(join(root, path));
  try {
    if (!file.startsWith(root) || file.split(sep).includes("node_modules")) throw new Error();
    const content = readFileSync(file);
    response.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
    response.end(content);
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));

const page = `http://127.0.0.1:${server.address().port}/js/test/browser/page.html?gateway=${encodeURIComponent(gateway)}`;
const profile = mkdtempSync(join(tmpdir(), "sigv4-wss-chromium-"));
// Headless as root on a machine without network: no sandbox, no GPU, and none of the
// background requests that would otherwise stall the start.
const chromium = spawn(
  process.env.CHROMIUM ?? "/usr/bin/chromium",
  [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    `--user-data-dir=${profile}`,
    page,
  ],
  // Its own process group, so that stopping it stops its helper processes too.
  { stdio: ["ignore", "ignore", "pipe"], detached: true },
);
let chromiumLog = "";
chromium.stderr.on("data", (chunk) => (chromiumLog += chunk));
const exited = new Promise((resolve) => chromium.on("exit", resolve));

let timer;
const results = await Promise.race([
  reported,
  exited.then((code) => [{ name: "Chromium runs the page", ok: false, detail: `exited with ${code}` }]),
  new Promise((resolve) => {
    timer = setTimeout(
      () => resolve([{ name: "the page reports", ok: false, detail: `no report within ${TIMEOUT_MS / 1000} s` }]),
      TIMEOUT_MS,
    );
  }),
]);
clearTimeout(timer);
try {
  process.kill(-chromium.pid, "SIGTERM");
} catch {
  // it has exited already
}
await exited;
server.close();
rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });

for (const { name, ok, detail } of results) {
  console.log(`${ok ? "ok" : "FAILED"}: ${name}${ok ? "" : `\n  ${detail}`}`);
}
const failed = results.filter((r) => !r.ok).length;
if (failed > 0) console.log(`Chromium's log:\n${chromiumLog.split("\n").slice(-20).join("\n")}`);
console.log(`page in Chromium: ${results.length - failed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
