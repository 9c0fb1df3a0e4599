import { createPrivateKey, createPublicKey, webcrypto, X509Certificate } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
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
 * The operator's key and certificate when configured (refused unless they belong together);
 * otherwise a self-signed pair generated on the first start into the data directory and reused
 * afterwards, for `localhost` and `127.0.0.1`. Devices either trust it (its file is the CA) or
 * skip verification.
 *
 * Several processes may start on one data directory at once: the key file is created once
 * (mode 0600, written whole under a temporary name, then linked into place, which fails if another
 * process got there first) and is what everyone uses; the certificate is made for that key and
 * placed the same way, replacing one that does not match it (left by an interrupted start).
 */
export async function mqttTlsMaterial(config: Config, now: number): Promise<TlsMaterial> {
  if (config.mqttTlsKeyFile && config.mqttTlsCertFile) {
    let material: TlsMaterial;
    try {
      material = { key: readFileSync(config.mqttTlsKeyFile, 'utf8'), cert: readFileSync(config.mqttTlsCertFile, 'utf8') };
    } catch (error) {
      throw new ConfigError(`cannot read the MQTT TLS key or certificate: ${(error as Error).message}`);
    }
    if (!belongTogether(material)) throw new ConfigError(`the MQTT TLS certificate ${config.mqttTlsCertFile} is not for the key ${config.mqttTlsKeyFile}`);
    return material;
  }
  const keyFile = join(config.dataDir, 'mqtt-tls.key');
  const certFile = join(config.dataDir, 'mqtt-tls.crt');
  const key = readIfPresent(keyFile) ?? placeOnce(keyFile, await generateKey(), 0o600);
  if (!isPrivateKey(key)) throw new ConfigError(`${keyFile} is not a PEM private key: remove it and ${certFile} to have a new pair generated`);
  const existing = readIfPresent(certFile);
  if (existing !== undefined && belongTogether({ key, cert: existing })) return { key, cert: existing };
  const cert = await selfSigned(key, now);
  // An absent certificate is placed only if no other process placed one meanwhile; a stale one is replaced.
  const placed = existing === undefined ? placeOnce(certFile, cert, 0o644) : replace(certFile, cert);
  if (!belongTogether({ key, cert: placed })) throw new ConfigError(`${certFile} does not match ${keyFile}: another process is replacing them; remove both and start again`);
  return { key, cert: placed };
}

function belongTogether(material: TlsMaterial): boolean {
  try {
    return new X509Certificate(material.cert).checkPrivateKey(createPrivateKey(material.key));
  } catch {
    return false;
  }
}

function isPrivateKey(pem: string): boolean {
  try {
    createPrivateKey(pem);
    return true;
  } catch {
    return false;
  }
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const temporaryName = (file: string) => `${file}.${process.pid}.${secureRandomBytes(6).toString('hex')}.tmp`;

/** Creates `file` with `content` unless it exists (then its content wins); never visible half-written. */
function placeOnce(file: string, content: string, mode: number): string {
  const temporary = temporaryName(file);
  writeFileSync(temporary, content, { mode, flag: 'wx' });
  try {
    linkSync(temporary, file);
    return content;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readFileSync(file, 'utf8');
  } finally {
    unlinkSync(temporary);
  }
}

/** Replaces `file` whole; what it holds afterwards (another process may have replaced it too). */
function replace(file: string, content: string): string {
  const temporary = temporaryName(file);
  writeFileSync(temporary, content, { mode: 0o644, flag: 'wx' });
  renameSync(temporary, file);
  return readFileSync(file, 'utf8');
}

async function generateKey(): Promise<string> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
}

async function selfSigned(keyPem: string, now: number): Promise<string> {
  const privateKey = createPrivateKey(keyPem);
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', privateKey.export({ type: 'pkcs8', format: 'der' }), ALGORITHM, false, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', createPublicKey(privateKey).export({ type: 'spki', format: 'der' }), ALGORITHM, true, ['verify']),
  };
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: secureRandomBytes(16).toString('hex').replace(/^[89a-f]/, '7'),
    name: 'CN=localhost, O=Fleetgate MQTT',
    notBefore: new Date(now),
    notAfter: new Date(now + VALIDITY_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }])],
  });
  return cert.toString('pem');
}
