#!/usr/bin/env node
// Runs the @smithy/signature-v4 oracle (smithy_presign.mjs) on many cases in one process.
//
// Reads a JSON list on stdin, each item {"oracle": "smithy", "input": {...}}, calls
// smithy_presign.mjs's own exported presign(input) and prints a JSON list of {"url": ...} or
// {"error": ...}, in order. It exists only to save a Node start-up per case;
// run_oracles.py --check also runs one case through the standalone script and checks that
// both ways print the same URL.
import { presign } from "./smithy_presign.mjs";

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const jobs = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const results = [];
for (const job of jobs) {
  try {
    if (job.oracle !== "smithy") throw new Error(`not a JavaScript oracle: ${job.oracle}`);
    results.push({ url: await presign(job.input) });
  } catch (e) {
    results.push({ error: String(e) });
  }
}
process.stdout.write(JSON.stringify(results) + "\n");
