import { request } from 'node:http';
import type { RawRequest } from '../../src/protocols/raw-request.ts';

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on the shape
  json(): any;
}

/**
 * Sends a request byte for byte as built (method, target, headers, body) to a server's
 * origin: fetch would normalise the target and headers a signature covers.
 */
export function sendRaw(origin: string, raw: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(raw.headers)) if (value !== undefined) headers[name] = value;
    if (raw.body.length > 0 || raw.method === 'POST') headers['content-length'] = String(raw.body.length);
    const req = request({ hostname, port, method: raw.method, path: raw.url, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end(raw.body);
  });
}
