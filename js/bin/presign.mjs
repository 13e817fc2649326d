#!/usr/bin/env node
// Prints a presigned URL: the command-line contract of the Rust crate's `presign` example.
//
//   sigv4-wss-presign [--region R] [--service S] [--expires SECONDS] [--time 2020-01-31T10:02:33Z] URL
//
// Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, for temporary
// credentials, AWS_SESSION_TOKEN (used when set and not empty). Region and service default to
// what an AWS host name says and are required otherwise; --expires defaults to 300 seconds,
// --time (RFC 3339) to now. On success the URL and a newline go to stdout and nothing else;
// on bad input, one line goes to stderr and the exit status is 2 (usage) or 1 (anything else).
import { presignUrl } from "../node.js";

const USAGE =
  "usage: presign [--region R] [--service S] [--expires SECONDS] [--time 2020-01-31T10:02:33Z] URL";
const U64_MAX = 18446744073709551615n;

class Usage extends Error {}

/** Milliseconds since 1970 of an RFC 3339 date-time, or undefined if it is not one. */
function rfc3339(text) {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/.exec(
      text,
    );
  if (!m) return undefined;
  const [year, month, day, hour, minute, second, sign, offsetHours, offsetMinutes] = m
    .slice(1)
    .map((field) => (field === undefined || field === "+" || field === "-" ? field : Number(field)));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second);
  const valid =
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60 &&
    (sign === undefined || (offsetHours < 24 && offsetMinutes < 60));
  if (!valid) return undefined;
  const offset = sign === undefined ? 0 : (sign === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  return date.getTime() - offset * 60_000;
}

function parseArgs(args) {
  const parsed = { expires: 300 };
  let url;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      if (i + 1 >= args.length) throw new Usage(`${arg} needs a value; ${USAGE}`);
      return args[++i];
    };
    if (arg === "--region") parsed.region = value();
    else if (arg === "--service") parsed.service = value();
    else if (arg === "--expires") {
      const v = value();
      if (!/^\+?[0-9]+$/.test(v) || BigInt(v) > U64_MAX) {
        throw new Usage(
          `--expires ${JSON.stringify(v)} is not a whole number of seconds (1 to 604800)`,
        );
      }
      parsed.expires = Number(v);
    } else if (arg === "--time") {
      const v = value();
      parsed.time = rfc3339(v);
      if (parsed.time === undefined) {
        throw new Usage(
          `--time ${JSON.stringify(v)} is not an RFC 3339 time such as 2020-01-31T10:02:33Z`,
        );
      }
    } else if (arg === "-h" || arg === "--help") throw new Usage(USAGE);
    else if (arg.startsWith("--")) throw new Usage(`unknown option ${arg}; ${USAGE}`);
    else if (url !== undefined) throw new Usage(`more than one URL given; ${USAGE}`);
    else url = arg;
  }
  if (url === undefined) throw new Usage(`no URL given; ${USAGE}`);
  return { url, options: parsed };
}

function credentialsFromEnv() {
  const variable = (name) => {
    const value = process.env[name];
    if (!value) {
      throw new Error(`environment variable ${name} is not set (or is empty, or not valid Unicode)`);
    }
    return value;
  };
  return {
    accessKeyId: variable("AWS_ACCESS_KEY_ID"),
    secretAccessKey: variable("AWS_SECRET_ACCESS_KEY"),
    sessionToken: process.env.AWS_SESSION_TOKEN || undefined,
  };
}

function fail(message, status) {
  process.stderr.write(`presign: ${message}\n`);
  process.exitCode = status;
}

let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof Usage)) throw error;
  fail(error.message, 2);
}
if (args) {
  try {
    process.stdout.write(`${presignUrl(args.url, credentialsFromEnv(), args.options)}\n`);
  } catch (error) {
    const hint = error.code === "UnknownEndpoint" ? ": use --region and --service" : "";
    fail(`${error.message}${hint}`, 1);
  }
}
