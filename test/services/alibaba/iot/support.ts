import { pino } from 'pino';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TObject } from '@sinclair/typebox';
import type { Store } from '../../../../src/storage/database.ts';
import type { SecretBox } from '../../../../src/core/secret-box.ts';
import type { AppContext } from '../../../../src/core/app-context.ts';
import type { ActionContext } from '../../../../src/services/action-context.ts';
import { createAccount } from '../../../../src/core/accounts.ts';
import { iotProduct } from '../../../../src/services/alibaba/iot/index.ts';
import { createEnterpriseInstance } from '../../../../src/services/alibaba/iot/store/instances.ts';
import { openTestStore, type StoreKind } from '../../../support/databases.ts';
import type { Body } from '../../../support/alibaba-harness.ts';

/** One account calling IoT actions the way the gateway does: parameters checked against the schema first. */
export interface Tenant {
  readonly accountId: string;
  call(action: string, params: Record<string, unknown>, region?: string): Promise<Body>;
  /** A product in the default instance (or `params.IotInstanceId`) with a unique name. */
  product(params?: Record<string, unknown>): Promise<string>;
  instance(): Promise<string>;
}

export interface Testbed {
  readonly store: Store;
  readonly secrets: SecretBox;
  /** The time every handler and runner sees; tests move it. */
  readonly clock: { now: number };
  readonly app: AppContext;
  tenant(): Promise<Tenant>;
  close(): Promise<void>;
}

const checks = new Map(iotProduct.actions.map((action) => [action.name, { action, check: TypeCompiler.Compile(action.request as TObject) }]));

let products = 0;

/** A migrated store of the given kind and helpers to call the IoT handlers directly. */
export async function openTestbed(kind: StoreKind): Promise<Testbed> {
  const { store, secrets, close } = await openTestStore(kind);
  const clock = { now: Date.UTC(2026, 10, 23, 8, 0, 0) };
  const now = () => clock.now;
  const app: AppContext = { store, secrets, logger: pino({ level: 'silent' }), now };
  let accounts = 0;

  async function tenant(): Promise<Tenant> {
    const account = await createAccount(store.db, `iot-tenant-${++accounts}`, clock.now);
    const call = async (name: string, params: Record<string, unknown>, region?: string): Promise<Body> => {
      const entry = checks.get(name);
      if (!entry) throw new Error(`no IoT action ${name}`);
      // The gateway never hands a handler parameters its schema rejects.
      if (!entry.check.Check(params)) throw new Error(`${name}: test parameters do not match the schema: ${JSON.stringify([...entry.check.Errors(params)][0])}`);
      const ctx: ActionContext = { accountId: account.id, requestId: 'TEST', region, store, secrets, now };
      return entry.action.handle(ctx, params);
    };
    return {
      accountId: account.id,
      call,
      async product(params = {}) {
        const body = await call('CreateProduct', { ProductName: `product_${++products}`, NodeType: 0, ...params });
        return body.ProductKey as string;
      },
      async instance() {
        return (await createEnterpriseInstance(store.db, account.id, clock.now)).id;
      },
    };
  }

  return { store, secrets, clock, app, tenant, close };
}

/** `count` import rows named `<prefix>0000…` with valid secrets and serial numbers. */
export function importRows(count: number, prefix = 'device'): { DeviceName: string; DeviceSecret: string; Sn: string }[] {
  return Array.from({ length: count }, (_, i) => ({
    DeviceName: `${prefix}${String(i).padStart(5, '0')}`,
    DeviceSecret: `secret-${i}`,
    Sn: `SN_${i}`,
  }));
}

/** Polls QueryBatchRegisterDeviceStatus until the apply has left CHECK and CREATE; a runner must be working. */
export async function settledImport(tenant: Pick<Tenant, 'call'>, params: { ProductKey: string; ApplyId: number; IotInstanceId?: string }): Promise<Body> {
  for (let i = 0; i < 500; i++) {
    const body = await tenant.call('QueryBatchRegisterDeviceStatus', params);
    if (body.Data.Status !== 'CREATE' && body.Data.Status !== 'CHECK') return body;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`import ${params.ApplyId} did not finish`);
}
