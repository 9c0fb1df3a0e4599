import { describe, expect, it } from 'vitest';
import { parseTencentRequest } from '../../../src/protocols/tencent/request.ts';
import { tc3CanonicalRequest, tc3Signature, utcDate } from '../../../src/protocols/tencent/tc3.ts';
import { v1Signature, v1StringToSign } from '../../../src/protocols/tencent/v1.ts';
import type { V1SignatureMethod } from '../../../src/protocols/tencent/v1.ts';
import { vectors } from './vectors.ts';
import type { Tc3Vector } from './vectors.ts';
import { sha256Hex } from '../../../src/protocols/digest.ts';

function contentTypeOf(v: Tc3Vector): string {
  return v.contentType ?? /^content-type:(.*)$/m.exec(v.canonicalHeaders ?? '')![1]!;
}

/** The vector as a request on the wire; unsigned headers carry whatever a client would send. */
function tc3Raw(v: Tc3Vector, signature: string) {
  const date = v.date ?? utcDate(v.timestamp);
  return {
    method: v.method,
    url: '/',
    headers: {
      host: v.host,
      'content-type': contentTypeOf(v),
      'x-tc-action': 'DescribeInstances',
      'x-tc-version': '2017-03-12',
      'x-tc-timestamp': String(v.timestamp),
      authorization: `TC3-HMAC-SHA256 Credential=${v.secretId ?? 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE'}/${date}/${v.service}/tc3_request, SignedHeaders=${v.signedHeaders}, Signature=${signature}`,
    },
    body: Buffer.from(v.payload),
  };
}

describe('TC3-HMAC-SHA256 test vectors (test-vectors.json)', () => {
  for (const [i, v] of vectors.tc3.entries()) {
    describe(`tc3[${i}] ${v.source.slice(0, 60)}`, () => {
      // Only the fields an entry documents become tests.
      if (v.hashedPayload !== undefined) {
        it('payload hash is SHA-256 of the exact body bytes', () => {
          expect(sha256Hex(Buffer.from(v.payload))).toBe(v.hashedPayload);
        });
      }

      it('canonical request, string to sign and signature match the documented values', () => {
        const canonicalHeaders = v.canonicalHeaders ?? `content-type:${contentTypeOf(v)}\nhost:${v.host}\n`;
        const canonical = tc3CanonicalRequest({
          method: v.method,
          path: '/',
          rawQuery: '',
          canonicalHeaders,
          signedHeaders: v.signedHeaders,
          payloadHash: sha256Hex(Buffer.from(v.payload)),
        });
        if (v.canonicalRequest !== undefined) expect(canonical).toBe(v.canonicalRequest);
        if (v.hashedCanonicalRequest !== undefined) expect(sha256Hex(canonical)).toBe(v.hashedCanonicalRequest);
        if (v.stringToSign !== undefined) expect(v.stringToSign.split('\n')[3]).toBe(sha256Hex(canonical));
        expect(tc3Signature(v.secretKey, v.date ?? utcDate(v.timestamp), v.service, String(v.timestamp), canonical)).toBe(v.signature);
      });

      it('a request carrying it verifies with the key and fails with another', () => {
        const request = parseTencentRequest(tc3Raw(v, v.signature), v.timestamp);
        expect(request.verify(v.secretKey)).toBe(true);
        expect(request.verify(`${v.secretKey}x`)).toBe(false);
      });

      if (v.authorization !== undefined) {
        it('the Authorization header is formatted as documented', () => {
          expect(tc3Raw(v, v.signature).headers.authorization).toBe(v.authorization);
        });
      }
    });
  }

  it('extra signed headers are canonicalised lowercased and trimmed, as the official demo signs x-tc-action', () => {
    const v = vectors.tc3.find((t) => t.signedHeaders.includes('x-tc-action'))!;
    const raw = tc3Raw(v, v.signature);
    const request = parseTencentRequest({ ...raw, headers: { ...raw.headers, 'x-tc-action': ' DescribeInstances ' } }, v.timestamp);
    expect(request.verify(v.secretKey)).toBe(true);
  });
});

function pairsOf(stringToSign: string): [string, string][] {
  const query = stringToSign.slice(stringToSign.indexOf('?') + 1);
  return query.split('&').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]);
}

describe('signature v1 test vectors (test-vectors.json)', () => {
  const doc = vectors.v1.find((v) => v.source.startsWith('doc'))!;

  it('doc vector: sorted name=value string to sign and Base64 HMAC-SHA1 signature', () => {
    expect(v1StringToSign('GET', 'cvm.tencentcloudapi.com', '/', pairsOf(doc.stringToSign).reverse())).toBe(doc.stringToSign);
    expect(v1Signature('HmacSHA1', doc.secretKey, doc.stringToSign)).toBe(doc.signature);
    expect(encodeURIComponent(doc.signature)).toBe(doc.urlEncodedSignature);
  });

  it('doc vector: the GET request with the URL-encoded Signature verifies', () => {
    const query = `${doc.stringToSign.slice(doc.stringToSign.indexOf('?') + 1)}&Signature=${doc.urlEncodedSignature}`;
    const raw = { method: 'GET', url: `/?${query}`, headers: { host: 'cvm.tencentcloudapi.com' }, body: Buffer.alloc(0) };
    const request = parseTencentRequest(raw, 1465185768);
    expect(request.kind).toBe('HmacSHA1');
    expect(request.verify(doc.secretKey)).toBe(true);
    expect(request.verify('Gu5t9xGARNpq86cd98joQYCN3EXAMPLF')).toBe(false);
  });

  it('every vector: the HMAC primitive of its method gives the signature', () => {
    for (const v of vectors.v1) {
      const method: V1SignatureMethod = v.signatureMethod.startsWith('HmacSHA256') ? 'HmacSHA256' : 'HmacSHA1';
      expect(v1Signature(method, v.secretKey, v.stringToSign), v.source).toBe(v.signature);
    }
  });
});
