import { createHmac, randomUUID } from 'node:crypto';

/** Alibaba RPC v1 needs a fresh SignatureNonce per request: each one is signed as it is sent (GET). */
export interface AlibabaV1Signing {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** Action, Version, RegionId and the API parameters. */
  readonly params: Record<string, string>;
}

const percentEncode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A freshly signed v1 request target (v1 signature doc), written by hand: the client shares no code with the server. */
export function alibabaV1Target(signing: AlibabaV1Signing): string {
  const params: Record<string, string> = {
    ...signing.params,
    Format: 'JSON',
    AccessKeyId: signing.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: randomUUID(),
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  const canonical = Object.keys(params)
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name]!)}`)
    .join('&');
  const signature = createHmac('sha1', `${signing.accessKeySecret}&`).update(`GET&%2F&${percentEncode(canonical)}`).digest('base64');
  return `/?${canonical}&Signature=${percentEncode(signature)}`;
}
