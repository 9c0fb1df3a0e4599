import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Dialect } from '../../../../src/storage/database.ts';
import { startTestServer, type TestAccount, type TestServer } from '../../../support/server.ts';
import { mnaClient, type MnaClient } from '../../../support/tencent-harness.ts';
import { registerVendor } from '../../../../src/services/tencent/mna/store/vendors.ts';

/** A time string (Unix seconds or milliseconds) within the last minute, as the MNA outputs render times. */
export const recent = (unit: 's' | 'ms') =>
  expect.toSatisfy((value: unknown) => {
    const pattern = unit === 's' ? /^\d{10}$/ : /^\d{13}$/;
    const ms = Number(value) * (unit === 's' ? 1000 : 1);
    return typeof value === 'string' && pattern.test(value) && Math.abs(Date.now() - ms) < 60_000;
  }, `a ${unit} timestamp string within the last minute`);

/** A name no other test on the same server uses. */
export const unique = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

export interface Party {
  readonly account: TestAccount;
  readonly client: MnaClient;
}

/** A running server with a registered vendor, a customer and a stranger, each with its own client. */
export interface World {
  readonly server: TestServer;
  readonly vendorName: string;
  readonly vendor: Party;
  readonly customer: Party;
  readonly stranger: Party;
  /** Another account; call `vendorize` for a second vendor. */
  party(): Promise<Party>;
  vendorize(party: Party, name?: string): Promise<string>;
  /** Registers SNs under the world's vendor with the given charging mode; returns their HardwareIds. */
  addHardware(sns: readonly string[], licenseChargingMode?: number): Promise<string[]>;
  close(): Promise<void>;
}

/** `now`: the server's business clock (ctx.now), when a test moves time. */
export async function openWorld(dialect: Dialect, options: { readonly now?: () => number } = {}): Promise<World> {
  const server = await startTestServer({ dialect, now: options.now });
  const party = async (): Promise<Party> => {
    const account = await server.createAccount();
    return { account, client: mnaClient(server, account) };
  };
  const vendorize = async (p: Party, name = unique('vendor')) => {
    await registerVendor(server.app.store.db, p.account.id, name, server.app.now());
    return name;
  };
  const vendor = await party();
  const vendorName = await vendorize(vendor);
  return {
    server,
    vendorName,
    vendor,
    customer: await party(),
    stranger: await party(),
    party,
    vendorize,
    async addHardware(sns, licenseChargingMode = 1) {
      const { Hardware } = await vendor.client.AddHardware({ Hardware: sns.map((SN) => ({ SN, LicenseChargingMode: licenseChargingMode })) });
      return Hardware!.map((h) => h.HardwareId!);
    },
    close: () => server.close(),
  };
}
