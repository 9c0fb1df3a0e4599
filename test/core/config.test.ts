import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, parseRateLimits, redactUrl } from '../../src/config.ts';

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
    const config = loadConfig(
      {},
      { FLEETGATE_TENCENT_SECRET_ID: 'AKIDpinned', FLEETGATE_TENCENT_SECRET_KEY: 'k', FLEETGATE_ALIBABA_ACCESS_KEY_ID: 'LTAIpinned', FLEETGATE_ALIBABA_ACCESS_KEY_SECRET: 's' },
    );
    expect(config.bootstrap).toEqual({ tencentSecretId: 'AKIDpinned', tencentSecretKey: 'k', alibabaAccessKeyId: 'LTAIpinned', alibabaAccessKeySecret: 's' });
  });

  it('refuses half a pinned key pair, naming the variable set and the one missing', () => {
    expect(() => loadConfig({}, { FLEETGATE_TENCENT_SECRET_ID: 'AKIDpinned' })).toThrow(
      new ConfigError('FLEETGATE_TENCENT_SECRET_ID is set but FLEETGATE_TENCENT_SECRET_KEY is not: pin both halves of the key pair or neither'),
    );
    expect(() => loadConfig({}, { FLEETGATE_ALIBABA_ACCESS_KEY_SECRET: 's' })).toThrow(/FLEETGATE_ALIBABA_ACCESS_KEY_SECRET is set but FLEETGATE_ALIBABA_ACCESS_KEY_ID is not/);
  });

  it('refuses a pinned key id no gateway would take as a key (too long, spaces, control characters)', () => {
    for (const id of ['L'.repeat(129), 'LTAI with space', 'AKID\u0001x']) {
      expect(() => loadConfig({}, { FLEETGATE_ALIBABA_ACCESS_KEY_ID: id, FLEETGATE_ALIBABA_ACCESS_KEY_SECRET: 's', FLEETGATE_TENCENT_SECRET_ID: id, FLEETGATE_TENCENT_SECRET_KEY: 'k' })).toThrow(ConfigError);
    }
    expect(loadConfig({}, { FLEETGATE_ALIBABA_ACCESS_KEY_ID: 'L'.repeat(128), FLEETGATE_ALIBABA_ACCESS_KEY_SECRET: 's' }).bootstrap.alibabaAccessKeyId).toHaveLength(128);
  });

  it('waits 5 s by default between reporting draining and closing the listener, or as FLEETGATE_SHUTDOWN_GRACE_SECONDS says', () => {
    expect(loadConfig({}, {}).shutdownGraceMs).toBe(5000);
    expect(loadConfig({}, { FLEETGATE_SHUTDOWN_GRACE_SECONDS: '0.5' }).shutdownGraceMs).toBe(500);
    expect(() => loadConfig({}, { FLEETGATE_SHUTDOWN_GRACE_SECONDS: 'soon' })).toThrow(/FLEETGATE_SHUTDOWN_GRACE_SECONDS must be a number of seconds from 0 to 600/);
    expect(() => loadConfig({}, { FLEETGATE_SHUTDOWN_GRACE_SECONDS: '-1' })).toThrow(/FLEETGATE_SHUTDOWN_GRACE_SECONDS/);
  });

  it('lenient signatures are off unless FLEETGATE_LENIENT_SIGNATURES or the flag says on; an unreadable value is refused', () => {
    expect(loadConfig({}, {}).lenientSignatures).toBe(false);
    expect(loadConfig({}, { FLEETGATE_LENIENT_SIGNATURES: '1' }).lenientSignatures).toBe(true);
    expect(loadConfig({}, { FLEETGATE_LENIENT_SIGNATURES: 'off' }).lenientSignatures).toBe(false);
    expect(loadConfig({ lenientSignatures: true }, { FLEETGATE_LENIENT_SIGNATURES: '0' }).lenientSignatures).toBe(true);
    expect(() => loadConfig({}, { FLEETGATE_LENIENT_SIGNATURES: 'maybe' })).toThrow(/FLEETGATE_LENIENT_SIGNATURES must be 1, true, yes, on or 0, false, no, off, not "maybe"/);
  });

  it('the seed file comes from --seed, else FLEETGATE_SEED_FILE, resolved from the working directory', () => {
    expect(loadConfig({}, {}).seedFile).toBeUndefined();
    expect(loadConfig({}, { FLEETGATE_SEED_FILE: 'examples/seed.yaml' }).seedFile).toBe(resolve('examples/seed.yaml'));
    expect(loadConfig({ seed: '/a.json' }, { FLEETGATE_SEED_FILE: '/b.json' }).seedFile).toBe('/a.json');
  });

  it('checks no clock on IoT Hub dynamic registration by default, or allows FLEETGATE_IOTHUB_REGISTER_WINDOW_SECONDS of drift', () => {
    expect(loadConfig({}, {}).iothubRegisterWindowSeconds).toBe(0);
    expect(loadConfig({}, { FLEETGATE_IOTHUB_REGISTER_WINDOW_SECONDS: '300' }).iothubRegisterWindowSeconds).toBe(300);
    for (const bad of ['-1', '5m', '1.5']) {
      expect(() => loadConfig({}, { FLEETGATE_IOTHUB_REGISTER_WINDOW_SECONDS: bad })).toThrow(/FLEETGATE_IOTHUB_REGISTER_WINDOW_SECONDS must be a whole number of seconds/);
    }
  });

  describe('database URL', () => {
    const location = (url: string) => loadConfig({ dataDir: '/srv/fleetgate' }, { FLEETGATE_DATABASE_URL: url }).databaseLocation;

    it('opens SQLite in the data dir when unset', () => {
      expect(loadConfig({ dataDir: '/srv/fleetgate' }, {}).databaseLocation).toBe(join('/srv/fleetgate', 'fleetgate.db'));
    });

    it('accepts PostgreSQL URLs and the documented SQLite forms', () => {
      expect(location('postgres://u:p@db:5432/fleetgate')).toBe('postgres://u:p@db:5432/fleetgate');
      expect(location('postgresql://db/fleetgate')).toBe('postgresql://db/fleetgate');
      expect(location('sqlite:///var/lib/fleetgate.db')).toBe('/var/lib/fleetgate.db');
      expect(location('sqlite:state/fleetgate.db')).toBe(resolve('state/fleetgate.db'));
      expect(location('/var/lib/fleetgate.db')).toBe('/var/lib/fleetgate.db');
      expect(location(':memory:')).toBe(':memory:');
      expect(location('sqlite::memory:')).toBe(':memory:');
    });

    it('refuses anything else with the accepted forms, never taking a typo for a file name', () => {
      for (const url of ['notaurl', 'postgress://u:secret@db/fleetgate', 'mysql://db/x', 'sqlite:', 'sqlite://host/file.db', 'data/fleetgate.db']) {
        let error: unknown;
        try {
          location(url);
        } catch (e) {
          error = e;
        }
        expect(error, url).toBeInstanceOf(ConfigError);
        const { message } = error as ConfigError;
        expect(message).toContain('is not a database URL');
        for (const form of ['postgres://', 'postgresql://', 'sqlite:///absolute/path.db', 'sqlite:relative/path.db', ':memory:']) expect(message).toContain(form);
        expect(message).not.toContain('secret');
      }
    });
  });

  it('refuses a Redis URL that is not redis:// or rediss://', () => {
    expect(loadConfig({ redisUrl: 'rediss://:pw@cache:6380/1' }, {}).redisUrl).toBe('rediss://:pw@cache:6380/1');
    expect(() => loadConfig({ redisUrl: 'localhost:6379' }, {})).toThrow(/is not a Redis URL; use redis:\/\/host:port/);
    expect(() => loadConfig({}, { FLEETGATE_REDIS_URL: 'http://cache' })).toThrow(ConfigError);
  });

  it('takes FLEETGATE_PUBLIC_URL as an http(s) origin without its trailing slash, and refuses anything else', () => {
    expect(loadConfig({}, {}).publicUrl).toBeUndefined();
    expect(loadConfig({}, { FLEETGATE_PUBLIC_URL: 'https://fleetgate.example.com/emu/' }).publicUrl).toBe('https://fleetgate.example.com/emu');
    for (const url of ['fleetgate.example.com', 'ftp://host', 'https://host/?a=1', 'https://host/#x']) {
      expect(() => loadConfig({}, { FLEETGATE_PUBLIC_URL: url }), url).toThrow(/FLEETGATE_PUBLIC_URL/);
    }
  });

  it('removes passwords from URLs it names in messages', () => {
    expect(redactUrl('redis://:hunter2@cache:6379/0')).toBe('redis://cache:6379/0');
    expect(redactUrl('postgres://app:hunter2@db/fleetgate')).toBe('postgres://app@db/fleetgate');
    expect(redactUrl('postgres://db/fleetgate')).toBe('postgres://db/fleetgate');
  });

  it('parses per-action rate limit overrides keyed by cloud and product', () => {
    expect(parseRateLimits('tencent.mna:GetHardwareInfo=100, alibaba.iot:*=5')).toEqual({ 'tencent.mna:GetHardwareInfo': 100, 'alibaba.iot:*': 5 });
    expect(parseRateLimits('device-tencent.iotcloud:DynamicRegister=7')).toEqual({ 'device-tencent.iotcloud:DynamicRegister': 7 });
  });

  it('refuses rate limit keys that do not name their cloud (the old mna: and iot: forms)', () => {
    expect(() => parseRateLimits('mna:GetHardwareInfo=100')).toThrow(/cloud\.product:Action=N.*tencent\.mna:GetHardwareInfo=100/);
    expect(() => parseRateLimits('iot:*=500')).toThrow(/"iot:\*=500"/);
    expect(() => parseRateLimits('aws.iot:*=5')).toThrow(/cloud\.product/);
  });

  it('the MQTT listener is off unless a port is given (flag over environment); TLS files come in pairs; no two listeners share a port', () => {
    expect(loadConfig({}, {})).toMatchObject({ mqttPort: undefined, mqttTlsPort: undefined, mqttTlsKeyFile: undefined, mqttTlsCertFile: undefined });
    expect(loadConfig({}, { FLEETGATE_MQTT_PORT: '1883', FLEETGATE_MQTT_TLS_PORT: '8883' })).toMatchObject({ mqttPort: 1883, mqttTlsPort: 8883 });
    expect(loadConfig({ mqttPort: '2883' }, { FLEETGATE_MQTT_PORT: '1883' }).mqttPort).toBe(2883);
    expect(() => loadConfig({}, { FLEETGATE_MQTT_PORT: 'mqtt' })).toThrow(new ConfigError('invalid MQTT port "mqtt": expected a number from 0 to 65535'));
    expect(() => loadConfig({ mqttTlsPort: '70000' }, {})).toThrow(new ConfigError('invalid MQTT TLS port "70000": expected a number from 0 to 65535'));
    expect(() => loadConfig({}, { FLEETGATE_MQTT_TLS_KEY_FILE: 'key.pem' })).toThrow(/FLEETGATE_MQTT_TLS_CERT_FILE/);
    expect(() => loadConfig({}, { FLEETGATE_MQTT_PORT: '1883', FLEETGATE_MQTT_TLS_PORT: '1883' })).toThrow(
      new ConfigError(
        'the MQTT port (--mqtt-port, FLEETGATE_MQTT_PORT) and the MQTT TLS port (--mqtt-tls-port, FLEETGATE_MQTT_TLS_PORT) are both 1883: each listener needs its own port',
      ),
    );
    expect(() => loadConfig({ mqttPort: 8080 }, {})).toThrow(/^the HTTP port \(--port, FLEETGATE_PORT\) and the MQTT port \(--mqtt-port, FLEETGATE_MQTT_PORT\) are both 8080:/);
    expect(loadConfig({ port: 0 }, { FLEETGATE_MQTT_PORT: '0', FLEETGATE_MQTT_TLS_PORT: '0' })).toMatchObject({ port: 0, mqttPort: 0, mqttTlsPort: 0 });
    expect(loadConfig({}, { FLEETGATE_MQTT_TLS_KEY_FILE: 'k.pem', FLEETGATE_MQTT_TLS_CERT_FILE: 'c.pem' }).mqttTlsCertFile).toBe(resolve('c.pem'));
  });

  it('the MQTT limits default to a 30 s revalidation, 100,000 connections, 100 CONNECTs/s per address and a 10 s connect timeout; out-of-range values are refused', () => {
    expect(loadConfig({}, {}).mqttLimits).toEqual({ revalidateMs: 30_000, maxConnections: 100_000, connectsPerIpPerSecond: 100, connectTimeoutMs: 10_000 });
    const env = { FLEETGATE_MQTT_REVALIDATE_SECONDS: '5', FLEETGATE_MQTT_MAX_CONNECTIONS: '10', FLEETGATE_MQTT_CONNECTS_PER_IP: '0', FLEETGATE_MQTT_CONNECT_TIMEOUT_SECONDS: '3' };
    expect(loadConfig({}, env).mqttLimits).toEqual({ revalidateMs: 5_000, maxConnections: 10, connectsPerIpPerSecond: 0, connectTimeoutMs: 3_000 });
    for (const [name, bad] of [['FLEETGATE_MQTT_REVALIDATE_SECONDS', '0'], ['FLEETGATE_MQTT_MAX_CONNECTIONS', '1.5'], ['FLEETGATE_MQTT_CONNECTS_PER_IP', '-1'], ['FLEETGATE_MQTT_CONNECT_TIMEOUT_SECONDS', 'ten']] as const) {
      expect(() => loadConfig({}, { [name]: bad })).toThrow(new RegExp(`^${name} must be a whole number from \\d+ to \\d+, not "${bad}"$`));
    }
  });

  it('rejects unreadable settings instead of guessing, as configuration errors', () => {
    expect(() => parseRateLimits('GetHardwareInfo=100')).toThrow(ConfigError);
    expect(() => parseRateLimits('GetHardwareInfo=100')).toThrow(/cloud\.product:Action=N/);
    for (const port of ['eighty', '-1', '65536', '80.5', '']) expect(() => loadConfig({ port }, {}), port).toThrow(new ConfigError(`invalid port "${port}": expected a number from 0 to 65535`));
    expect(() => loadConfig({}, { FLEETGATE_RATE_LIMIT: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ logLevel: 'loud' }, {})).toThrow(new ConfigError('invalid log level "loud": expected one of fatal, error, warn, info, debug, trace, silent'));
    expect(loadConfig({}, { FLEETGATE_LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
  });
});
