import { webcrypto } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { ConfigError, type Config } from '../config.ts';
import { secureRandomBytes } from '../core/random.ts';

x509.cryptoProvider.set(webcrypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const VALIDITY_MS = 10 * 365 * 86_400_000;

/** The PEM key and certificate of the MQTT TLS listener. */
export interface TlsMaterial {
  readonly key: string;
  readonly cert: string;
}

/**
 * The operator's key and certificate when configured; otherwise a self-signed one generated on
 * the first start into the data directory (key mode 0600) and reused afterwards, for
 * `localhost` and `127.0.0.1`. Devices either trust it (its file is the CA) or skip verification.
 */
export async function mqttTlsMaterial(config: Config, now: number): Promise<TlsMaterial> {
  if (config.mqttTlsKeyFile && config.mqttTlsCertFile) {
    try {
      return { key: readFileSync(config.mqttTlsKeyFile, 'utf8'), cert: readFileSync(config.mqttTlsCertFile, 'utf8') };
    } catch (error) {
      throw new ConfigError(`cannot read the MQTT TLS key or certificate: ${(error as Error).message}`);
    }
  }
  const keyFile = join(config.dataDir, 'mqtt-tls.key');
  const certFile = join(config.dataDir, 'mqtt-tls.crt');
  if (existsSync(keyFile) && existsSync(certFile)) return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: secureRandomBytes(16).toString('hex').replace(/^[89a-f]/, '7'),
    name: 'CN=localhost, O=Fleetgate MQTT',
    notBefore: new Date(now),
    notAfter: new Date(now + VALIDITY_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }])],
  });
  const material = { key: x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'), cert: cert.toString('pem') };
  writeFileSync(keyFile, material.key, { mode: 0o600 });
  writeFileSync(certFile, material.cert);
  return material;
}
