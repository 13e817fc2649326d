#!/usr/bin/env node
// Copied unchanged from the sigv4-wss project's shared oracle set (shared/oracles/smithy_presign.mjs,
// read-only reference material that came with the project); only these lines were added.
// Test tooling for tests/differential.rs: see tests/oracles/README.md.
// SigV4 query-string presigning oracle backed by @smithy/signature-v4
// (the signer inside AWS SDK for JavaScript v3).
//
// Reads ONE JSON object on stdin (see README.md) and prints the presigned URL.
//
// The request is built the way SDK v3 builds one from an endpoint string:
//   @smithy/url-parser parseUrl()  -> WHATWG `new URL()` + smithy parseQueryString
//   host header = hostname[:port]  (what @aws-sdk/middleware-host-header adds;
//                                   WHATWG URL already dropped a default port)
//   SignatureV4.presign(request, { signingDate, expiresIn })
//   @aws-sdk/util-format-url formatUrl()  (sorts ALL query keys)
// presign() defaults: expiresIn = 3600, max 604800; the session token goes
// into the signed query as X-Amz-Security-Token; body undefined -> payload
// hash sha256("").
//
// ORACLE_DEBUG=1 prints the canonical request to stderr.
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { parseUrl } from "@smithy/url-parser";
import { formatUrl } from "@aws-sdk/util-format-url";
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks).toString("utf8");
}

export async function presign(input) {
  const endpoint = parseUrl(input.url); // {protocol, hostname, port, path, query}
  const host = endpoint.hostname + (endpoint.port != null ? `:${endpoint.port}` : "");
  const request = new HttpRequest({
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    port: endpoint.port,
    path: endpoint.path,
    query: endpoint.query ?? {},
    method: input.method || "GET",
    headers: { host },
  });
  const credentials = {
    accessKeyId: input.access_key,
    secretAccessKey: input.secret_key,
    ...(input.session_token != null ? { sessionToken: input.session_token } : {}),
  };
  const signer = new SignatureV4({
    credentials,
    region: input.region,
    service: input.service,
    sha256: Sha256,
    // uriEscapePath defaults to true (non-S3): normalize + double-encode path
  });
  if (process.env.ORACLE_DEBUG) {
    const orig = signer.createCanonicalRequest.bind(signer);
    signer.createCanonicalRequest = (req, headers, payloadHash) => {
      const cr = orig(req, headers, payloadHash);
      process.stderr.write(`CanonicalRequest:\n${cr}\n`);
      return cr;
    };
  }
  const options = { signingDate: new Date(input.timestamp) };
  if (input.expires != null) options.expiresIn = Number(input.expires);
  const signed = await signer.presign(request, options);
  return formatUrl(signed);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const input = JSON.parse(await readStdin());
  process.stdout.write((await presign(input)) + "\n");
}
