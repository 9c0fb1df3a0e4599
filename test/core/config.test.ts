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

  it('waits 5 s by default between reporting draining and closing the listener, or as FLEETGATE_SHUTDOWN_GRACE_SECONDS says', () => {
    expect(loadConfig({}, {}).shutdownGraceMs).toBe(5000);
    expect(loadConfig({}, { FLEETGATE_SHUTDOWN_GRACE_SECONDS: '0.5' }).shutdownGraceMs).toBe(500);
    expect(() => loadConfig({}, { FLEETGATE_SHUTDOWN_GRACE_SECONDS: 'soon' })).toThrow(/FLEETGATE_SHUTDOWN_GRACE_SECONDS must be a number of seconds from 0 to 600/);
    expect(() => loadConfig({}, { FLEETGATE_SHUTDOWN_GRACE_SECONDS: '-1' })).toThrow(/FLEETGATE_SHUTDOWN_GRACE_SECONDS/);
  });

  it('parses per-action rate limit overrides', () => {
    expect(parseRateLimits('mna:GetHardwareInfo=100, iot:*=5')).toEqual({ 'mna:GetHardwareInfo': 100, 'iot:*': 5 });
  });

  it('rejects unreadable settings instead of guessing', () => {
    expect(() => parseRateLimits('GetHardwareInfo=100')).toThrow(/product:Action=N/);
    expect(() => loadConfig({ port: 'eighty' }, {})).toThrow(/invalid port/);
    expect(() => loadConfig({}, { FLEETGATE_RATE_LIMIT: '0' })).toThrow();
  });
});
