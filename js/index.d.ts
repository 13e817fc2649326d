/** AWS credentials: long-term keys, or temporary ones with their session token. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** The session token of temporary credentials (STS, Cognito, SSO). */
  sessionToken?: string | null;
}

/**
 * Whether the session token is signed: `"serviceDefault"` signs it except for AWS IoT
 * (`iotdevicegateway`), which wants it appended after signing. It is always the URL's last
 * parameter.
 */
export type SessionTokenMode = "serviceDefault" | "signed" | "unsigned";

export interface PresignOptions {
  /** The region, such as `us-east-1`. Default: what an AWS host name says. */
  region?: string;
  /** The signing name, such as `execute-api`. Default: what an AWS host name says. */
  service?: string;
  /** `X-Amz-Expires`: whole seconds, 1 to 604800 (300 for Transcribe). Default: 300. */
  expires?: number;
  /** The signing time, as a `Date` or milliseconds since 1970. Default: `Date.now()`. */
  time?: Date | number;
  /** Default: `"serviceDefault"`. */
  sessionTokenMode?: SessionTokenMode;
}

/**
 * Presigns a `wss://`, `ws://`, `https://` or `http://` URL with AWS Signature Version 4, for
 * a WebSocket handshake: the URL as a browser sends it, with `X-Amz-*` parameters added and
 * the session token last. Region and service are read from AWS host names (API Gateway, IoT,
 * Transcribe, Neptune); a custom domain needs both.
 *
 * @throws {SigV4WssError} on bad input, with the reason in `message` and a stable `code`.
 */
export function presignUrl(
  url: string,
  credentials: Credentials,
  options?: PresignOptions,
): string;

/** What a server rebuilds from a presigned URL: to compare with what it received. */
export interface Inspection {
  accessKeyId: string;
  /** `{YYYYMMDD}/{region}/{service}/aws4_request` */
  credentialScope: string;
  region: string;
  service: string;
  /** `X-Amz-Date`, such as `20200131T100233Z`. */
  signedAt: string;
  /** `X-Amz-Expires` in seconds, if present. */
  expires?: number;
  signedHeaders: string;
  /** The canonical request, session token shown as `<redacted>`. */
  canonicalRequest: string;
  stringToSign: string;
  /** All of the above as text, in the form of API Gateway's error messages. */
  text: string;
}

/**
 * Reads a presigned URL as a server does (no secret needed, none shown).
 *
 * @throws {SigV4WssError} when the URL cannot be read.
 */
export function inspect(url: string): Inspection;

/** What `presignUrl` and `inspect` throw: an `Error` whose message never shows a secret. */
export interface SigV4WssError extends Error {
  /**
   * `InvalidArgument` for an argument of the wrong type; otherwise the name of the Rust
   * crate's `Error` variant, such as `InvalidUrl`, `UnknownEndpoint`, `ExpiresOutOfRange`,
   * `UrlTooLong` or `MalformedParameter`. Stable: a name changes only with a major version.
   */
  code: string;
}
