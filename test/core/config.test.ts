import { describe, expect, it } from 'vitest';
import { loadConfig, parseRateLimits } from '../../src/config.ts';

describe('configuration', () => {
  it('defaults to 127.0.0.1:8080, SQLite in ./data and the documented 20 requests/s', () => {
    const config = loadConfig({}, {});
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(8080);
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.defaultRateLimit).toBe(20);
  });

  it('lets flags win over the environment', () => {
    const config = loadConfig({ port: '9000', host: '0.0.0.0' }, { FLEETGATE_PORT: '7000', FLEETGATE_HOST: '10.0.0.1' });
    expect(config.port).toBe(9000);
    expect(config.host).toBe('0.0.0.0');
  });

  it('reads pinned bootstrap keys from the environment', () => {
    const config = loadConfig({}, { FLEETGATE_TENCENT_SECRET_ID: 'AKIDpinned', FLEETGATE_ALIBABA_ACCESS_KEY_SECRET: 's' });
    expect(config.bootstrap.tencentSecretId).toBe('AKIDpinned');
    expect(config.bootstrap.alibabaAccessKeySecret).toBe('s');
  });

  it('parses per-action rate limit overrides keyed by cloud and product', () => {
    expect(parseRateLimits('tencent.mna:GetHardwareInfo=100, alibaba.iot:*=5')).toEqual({ 'tencent.mna:GetHardwareInfo': 100, 'alibaba.iot:*': 5 });
  });

  it('refuses rate limit keys that do not name their cloud (the old mna: and iot: forms)', () => {
    expect(() => parseRateLimits('mna:GetHardwareInfo=100')).toThrow(/cloud\.product:Action=N.*tencent\.mna:GetHardwareInfo=100/);
    expect(() => parseRateLimits('iot:*=500')).toThrow(/"iot:\*=500"/);
    expect(() => parseRateLimits('aws.iot:*=5')).toThrow(/cloud\.product/);
  });

  it('rejects unreadable settings instead of guessing', () => {
    expect(() => parseRateLimits('GetHardwareInfo=100')).toThrow(/cloud\.product:Action=N/);
    expect(() => loadConfig({ port: 'eighty' }, {})).toThrow(/invalid port/);
    expect(() => loadConfig({}, { FLEETGATE_RATE_LIMIT: '0' })).toThrow();
  });
});
