import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlibabaError, errorCatalog, isAlibabaErrorCode } from '../../../src/protocols/alibaba/index.ts';
import { readReference } from './fixtures.ts';

interface ErrorsJson {
  gateway: { code: string; http_status: number; message: string }[];
  iot_business: { code: string; http_status_wire_recommended: number; message: string }[];
}
const errors = readReference<ErrorsJson>('errors.json');
const templated = new Set(['Missing{Param}', 'Invalid{Param}']);
const needsName = new Set(['MissingParameter', 'InvalidParameter']);
const paramsFor = (code: string): Record<string, string> =>
  code === 'SignatureDoesNotMatch' ? { stringToSign: 'GET&%2F&x' } : needsName.has(code) ? { name: 'ProductKey' } : {};

describe('error catalog covers errors.json', () => {
  it('lists every gateway and iot.* code, and nothing else', () => {
    const codes = [...errors.gateway, ...errors.iot_business].map((e) => e.code);
    expect(Object.keys(errorCatalog).sort()).toEqual([...codes].sort());
  });

  for (const e of errors.gateway.filter((g) => !templated.has(g.code))) {
    it(`gateway ${e.code} answers HTTP ${e.http_status} with the documented message`, () => {
      const err = new AlibabaError(e.code, paramsFor(e.code));
      expect(err.kind).toBe('gateway');
      expect(err.httpStatus).toBe(e.http_status);
      expect(err.message.startsWith(e.message.replace('"<Name>"', '"ProductKey"'))).toBe(true);
    });
  }

  it('every iot.* code is a business error delivered with HTTP 200 and a real message', () => {
    for (const e of errors.iot_business) {
      const err = new AlibabaError(e.code);
      expect(err.kind, e.code).toBe('business');
      expect(err.httpStatus, e.code).toBe(200);
      expect(err.message, e.code).not.toMatch(/UNCONFIRMED/);
      if (!e.message.startsWith('UNCONFIRMED')) expect(err.message).toBe(e.message);
    }
  });
});

describe('AlibabaError messages follow the documented templates', () => {
  it('SignatureDoesNotMatch ends with "server string to sign is:<StringToSign>"', () => {
    const err = new AlibabaError('SignatureDoesNotMatch', { stringToSign: 'POST&%2F&A%3D1' });
    expect(err.message).toBe('Specified signature is not matched with our calculation. server string to sign is:POST&%2F&A%3D1');
  });

  it('MissingParameter names the parameter', () => {
    expect(new AlibabaError('MissingParameter', { name: 'Timestamp' }).message).toBe(
      'The input parameter "Timestamp" that is mandatory for processing this request is not supplied.',
    );
  });

  it('Missing<Name> takes the name from the code (MissingProductKey, MissingDeviceList.2.DeviceName)', () => {
    expect(new AlibabaError('MissingProductKey').message).toBe('ProductKey is mandatory for this action.');
    const nested = new AlibabaError('MissingDeviceList.2.DeviceName');
    expect([nested.httpStatus, nested.kind, nested.message]).toEqual([400, 'gateway', 'DeviceList.2.DeviceName is mandatory for this action.']);
  });

  it('Invalid<Name> takes the name from the code', () => {
    expect(new AlibabaError('InvalidPageSize').message).toBe('Specified parameter PageSize is not valid.');
  });

  it('exact codes win over the Invalid<Name> template (InvalidVersion, InvalidAction.NotFound)', () => {
    expect(new AlibabaError('InvalidVersion').message).toBe('Specified parameter Version is not valid.');
    expect(new AlibabaError('InvalidAction.NotFound').httpStatus).toBe(404);
    expect(new AlibabaError('InvalidAccessKeyId.NotFound').httpStatus).toBe(404);
  });

  it('Throttling.User, InvalidTimeStamp.*, SignatureNonceUsed keep their catalog wording', () => {
    expect(new AlibabaError('Throttling.User').message).toBe('Request was denied due to user flow control.');
    expect(new AlibabaError('InvalidTimeStamp.Expired').message).toBe('Specified time stamp or date value is expired.');
    expect(new AlibabaError('InvalidTimeStamp.Format').message).toBe('Specified time stamp or date value is not well formatted.');
    expect(new AlibabaError('SignatureNonceUsed').message).toBe('Specified signature nonce was used already.');
  });

  it('keeps code and params on the error', () => {
    const err = new AlibabaError('iot.prod.NotExistedProduct', { productKey: 'pk' });
    expect([err.code, err.params, err.name]).toEqual(['iot.prod.NotExistedProduct', { productKey: 'pk' }, 'AlibabaError']);
  });
});

describe('a code missing from the catalog is a programming error', () => {
  it('throws TypeError for an unknown code', () => {
    expect(() => new AlibabaError('iot.prod.NoSuchThing')).toThrow(TypeError);
    expect(() => new AlibabaError('Missingproductkey')).toThrow(TypeError);
    expect(() => new AlibabaError('Missing{Param}')).toThrow(TypeError);
    expect(isAlibabaErrorCode('iot.prod.NoSuchThing')).toBe(false);
  });

  it('throws TypeError when a template slot has no param', () => {
    expect(() => new AlibabaError('MissingParameter')).toThrow(/needs param name/);
    expect(() => new AlibabaError('SignatureDoesNotMatch')).toThrow(/needs param stringToSign/);
  });

  it('every literal code passed to new AlibabaError(...) anywhere in src/ is in the catalog', () => {
    const root = join(import.meta.dirname, '..', '..', '..', 'src');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts')) files.push(path);
      }
    };
    walk(root);
    const used = files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/new AlibabaError\(\s*'([^']+)'/g)].map((m) => [f, m[1] as string]));
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter(([, code]) => !isAlibabaErrorCode(code as string))).toEqual([]);
  });
});
