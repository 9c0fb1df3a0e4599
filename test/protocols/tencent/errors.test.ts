import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../../scripts/reference-dir.ts';
import { TencentError, isTencentErrorCode } from '../../../src/protocols/tencent/errors.ts';
import type { TencentErrorCode } from '../../../src/protocols/tencent/errors.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const both = (code: TencentErrorCode, params?: Record<string, string | number>) => {
  const error = new TencentError(code, params);
  return [error.messageFor('en-US'), error.messageFor('zh-CN')];
};

describe('TencentError', () => {
  it('a code outside the catalog is a programming error (TypeError)', () => {
    expect(() => new TencentError('NoSuchCode' as TencentErrorCode)).toThrow(TypeError);
    expect(isTencentErrorCode('NoSuchCode')).toBe(false);
    expect(isTencentErrorCode('OperationDenied.HardwareNotExist')).toBe(true);
    expect(isTencentErrorCode('toString')).toBe(false);
  });

  it('every TencentError code literal in src/ is in the catalog', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(join(repositoryRoot, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/new TencentError\(\s*['"]([^'"]+)['"]/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((code) => !isTencentErrorCode(code))).toEqual([]);
  });

  it('keeps code and params; Error#message is the en-US text', () => {
    const error = new TencentError('MissingParameter', { name: 'Action' });
    expect(error.code).toBe('MissingParameter');
    expect(error.params).toEqual({ name: 'Action' });
    expect(error.message).toBe('The request is missing a required parameter `Action`.');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TencentError');
  });

  it('real message shapes (observed messages of common-errors.json) with the offending name in backticks', () => {
    expect(both('MissingParameter', { name: 'Hardware.0.SN' })).toEqual([
      'The request is missing a required parameter `Hardware.0.SN`.',
      '缺少必填参数 `Hardware.0.SN`。',
    ]);
    expect(both('UnknownParameter', { name: 'EngSerViceType' })[0]).toBe('The parameter `EngSerViceType` is not recognized.');
    expect(both('InvalidParameter', { name: 'Nonce' })[0]).toBe('Parameter `Nonce` type error.');
    expect(both('RequestLimitExceeded', { count: 21, limit: 20 })[0]).toBe(
      'Your current request times equals to `21` in a second, which exceeds the frequency limit `20` for a second. Please reduce the frequency of calls.',
    );
    expect(both('RequestLimitExceeded', { count: 21, limit: 20 })[1]).toContain('`21`');
  });

  it('InvalidAction, UnsupportedOperation and NoSuchVersion name the action or version', () => {
    expect(both('InvalidAction', { action: 'Foo' })[0]).toBe('The request `Action` is invalid or not found: `Foo`.');
    expect(both('InvalidAction')[0]).toBe('The request `Action` is invalid or not found.');
    expect(both('UnsupportedOperation', { action: 'AddGateway' })).toEqual([
      'The action `AddGateway` is not yet implemented.',
      '接口 `AddGateway` 尚未实现。',
    ]);
    expect(both('NoSuchVersion', { version: '2020-01-01' })[0]).toBe('The API version `2020-01-01` does not exist.');
  });

  it('InvalidParameterValue names the parameter and the broken rule in both languages', () => {
    expect(both('InvalidParameterValue', { name: 'DeviceName', rule: 'maxLength', limit: 48 })).toEqual([
      'The value of parameter `DeviceName` is invalid: it must be at most 48 characters long.',
      '参数 `DeviceName` 取值错误：长度不能大于 48。',
    ]);
    expect(both('InvalidParameterValue', { name: 'Type', rule: 'enum' })[0]).toBe(
      'The value of parameter `Type` is invalid: it is not one of the allowed values.',
    );
    expect(both('InvalidParameterValue', { name: 'Type', rule: 'minimum' })[0]).toBe('The value of parameter `Type` is invalid.');
    expect(both('InvalidParameterValue')[0]).toBe('Invalid parameter value.');
  });

  it('AuthFailure codes use the message seen in real responses in English, the doc text in Chinese', () => {
    expect(both('AuthFailure.SignatureFailure')).toEqual([
      'The provided credentials could not be validated. Please check your signature is correct.',
      '签名错误。签名计算错误，请对照调用方式中的签名方法文档检查签名计算过程。',
    ]);
    expect(both('AuthFailure.SignatureExpire')[0]).toBe('The signature is expired, please request again.');
    expect(both('AuthFailure.InvalidAuthorization')[0]).toBe('`Authorization` in the request header is invalid.');
  });

  it('codes without template use the catalog description; Chinese-only codes fall back to zh', () => {
    expect(both('RequestSizeLimitExceeded')).toEqual(['The request size exceeds the upper limit.', '请求包超过限制大小。']);
    expect(both('UnsupportedProtocol')[0]).toBe('HTTP(S) request protocol error; only GET and POST requests are supported.');
    expect(both('InternalError')).toEqual(['Internal error.', '内部错误。']);
    expect(both('OperationDenied.HardwareNotExist')[0]).toBe('The hardware corresponding to the input SN does not exist.');
    expect(both('FailedOperation.DeviceOffline')).toEqual(['设备离线。', '设备离线。']);
  });

  it('a template whose placeholder is not supplied falls back to the description', () => {
    expect(both('MissingParameter')).toEqual(['A parameter is missing.', '缺少参数。']);
  });

  it('params.detail replaces the message outright', () => {
    expect(both('OperationDenied', { detail: 'Vendor mismatch.' })).toEqual(['Vendor mismatch.', 'Vendor mismatch.']);
  });
});
