import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../src/config.ts';
import { mqttTlsMaterial, type TlsMaterial } from '../../src/mqtt/tls-material.ts';

const freshDir = () => mkdtempSync(join(tmpdir(), 'fleetgate-tls-'));
const configFor = (dataDir: string, env: NodeJS.ProcessEnv = {}) => loadConfig({ dataDir }, env);
const matches = (material: TlsMaterial) => new X509Certificate(material.cert).checkPrivateKey(createPrivateKey(material.key));
const onDisk = (dir: string): TlsMaterial => ({ key: readFileSync(join(dir, 'mqtt-tls.key'), 'utf8'), cert: readFileSync(join(dir, 'mqtt-tls.crt'), 'utf8') });

describe('the generated MQTT TLS key and certificate', () => {
  it('are written once, the key with mode 0600, no temporary file left; later starts reuse them', async () => {
    const dir = freshDir();
    const first = await mqttTlsMaterial(configFor(dir), Date.now());
    expect(matches(first)).toBe(true);
    expect(statSync(join(dir, 'mqtt-tls.key')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['mqtt-tls.crt', 'mqtt-tls.key']);
    expect(await mqttTlsMaterial(configFor(dir), Date.now())).toEqual(first);
    expect(onDisk(dir)).toEqual(first);
  });

  it('starts racing on one data directory all end up with the same matching pair, the one on disk', async () => {
    const dir = freshDir();
    const materials = await Promise.all(Array.from({ length: 6 }, () => mqttTlsMaterial(configFor(dir), Date.now())));
    const disk = onDisk(dir);
    expect(matches(disk)).toBe(true);
    for (const material of materials) expect(material).toEqual(disk);
  });

  it('a certificate that does not match the key (an interrupted start, a copied file) is replaced by one for the key; a key alone gets its certificate', async () => {
    const [dir, other] = [freshDir(), freshDir()];
    const original = await mqttTlsMaterial(configFor(dir), Date.now());
    writeFileSync(join(dir, 'mqtt-tls.crt'), (await mqttTlsMaterial(configFor(other), Date.now())).cert);
    const repaired = await mqttTlsMaterial(configFor(dir), Date.now());
    expect(repaired.key).toBe(original.key);
    expect(matches(repaired)).toBe(true);
    expect(onDisk(dir)).toEqual(repaired);

    const keyOnly = freshDir();
    writeFileSync(join(keyOnly, 'mqtt-tls.key'), original.key, { mode: 0o600 });
    const completed = await mqttTlsMaterial(configFor(keyOnly), Date.now());
    expect(completed.key).toBe(original.key);
    expect(matches(completed)).toBe(true);
  });

  it('a key file that is not a key, and an operator\'s certificate for another key, are refused with a clear message', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'mqtt-tls.key'), 'not a key');
    await expect(mqttTlsMaterial(configFor(dir), Date.now())).rejects.toThrow(/is not a PEM private key: remove it/);

    const [a, b] = [freshDir(), freshDir()];
    await mqttTlsMaterial(configFor(a), Date.now());
    await mqttTlsMaterial(configFor(b), Date.now());
    const operator = configFor(freshDir(), { FLEETGATE_MQTT_TLS_KEY_FILE: join(a, 'mqtt-tls.key'), FLEETGATE_MQTT_TLS_CERT_FILE: join(b, 'mqtt-tls.crt') });
    const refusal = mqttTlsMaterial(operator, Date.now());
    await expect(refusal).rejects.toBeInstanceOf(ConfigError);
    await expect(refusal).rejects.toThrow(/is not for the key/);
  });
});
