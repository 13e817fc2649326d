// `npm run test:types`: the package's declarations (index.d.ts) accept what the README shows
// and refuse what the functions refuse.
import {
  type Credentials,
  type Inspection,
  type PresignOptions,
  type SigV4WssError,
  inspect,
  presignUrl,
} from "sigv4-wss";

const credentials: Credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: null,
};
const options: PresignOptions = {
  region: "us-east-1",
  service: "execute-api",
  expires: 60,
  time: new Date(),
  sessionTokenMode: "serviceDefault",
};
const url: string = presignUrl("wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev", credentials, options);
presignUrl(url, credentials, { time: Date.now(), sessionTokenMode: "unsigned" });
presignUrl(url, credentials);
const inspection: Inspection = inspect(url);
const expires: number | undefined = inspection.expires;
const text: string = inspection.text;
try {
  presignUrl("ftp://host/", credentials);
} catch (error) {
  const code: string = (error as SigV4WssError).code;
  const message: string = (error as SigV4WssError).message;
  void [code, message];
}
void [expires, text];

// @ts-expect-error: no such session-token mode
presignUrl(url, credentials, { sessionTokenMode: "always" });
// @ts-expect-error: the time is a Date or milliseconds, not a string
presignUrl(url, credentials, { time: "2020-01-31T10:02:33Z" });
// @ts-expect-error: the secret access key is required
presignUrl(url, { accessKeyId: "AKIDEXAMPLE" });
// @ts-expect-error: expires is a number of seconds
presignUrl(url, credentials, { expires: "300" });
