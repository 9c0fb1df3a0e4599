import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../../core/app-context.ts';
import type { Config } from '../../../config.ts';
import { payAtomically, type PaymentRefusal } from '../../../billing/payment.ts';
import { priceOf } from '../../../billing/prices.ts';
import { unmetStatement } from '../../../storage/atomic-write.ts';
import { StoreRefusal } from '../../../storage/store-refusal.ts';
import { packageExpiry, packagePriceItem } from './flow-packages.ts';
import { ALREADY_RENEWED, HOLDS_LOST, packagesDueForRenewal, renewalStatements, stopRenewal, type DuePackage, type RenewalPosition } from './store/flow-packages.ts';

/** The ledger action of a renewal's charge (billing README). */
export const RENEWAL_ACTION = 'RenewFlowPackage';

/** How many due packages a sweep reads at a time. */
const SWEEP_PAGE = 100;

/** What one sweep did. */
export interface RenewalSweep {
  /** Periods renewed and charged (a package behind by several periods is renewed once per period). */
  readonly renewed: number;
  /** Packages whose renewal failed for good: renewal turned off, they stay expired. */
  readonly stopped: number;
  /** Packages left for the next sweep after a failure that may pass (a database conflict). */
  readonly deferred: number;
}

/** Renewal failures that retrying cannot cure: the package expires (README, "Traffic packages"). */
const FINAL_REFUSALS = new Set<PaymentRefusal>(['InsufficientBalance', 'UnauthorizedUser']);

type Outcome = 'renewed' | 'stopped' | 'deferred' | 'renewed elsewhere';

/**
 * Renews every traffic package whose period has ended at business time (app.now, which the
 * emulator clock moves) with auto-renewal on: the next period starts one second after the last
 * one ended and runs one calendar month (packageExpiry), charged to the package's account at the
 * current price from its balance (no voucher) through payAtomically, with its ledger entries
 * (action RenewFlowPackage). Each period is renewed at most once, whichever node sweeps: see
 * renewalStatements. When the account is disabled, the balance is too low, the account's
 * identity is not verified, or a device no longer holds the package's region, renewal is turned
 * off and the package stays expired. A package behind by several periods (the clock moved by months) is charged for each.
 */
export async function sweepPackageRenewals(app: AppContext, pageSize = SWEEP_PAGE): Promise<RenewalSweep> {
  const counts = { renewed: 0, stopped: 0, deferred: 0 };
  const deferred = new Set<string>();
  // Reads on past the last package seen, so deferred ones never hide those due after them; a pass
  // that renewed something is followed by another, for periods it renewed that are due again.
  let after: RenewalPosition | undefined;
  let renewedThisPass = false;
  for (;;) {
    const page = await packagesDueForRenewal(app.store.db, app.now(), pageSize, after);
    if (page.length === 0) {
      if (!renewedThisPass) return counts;
      after = undefined;
      renewedThisPass = false;
      continue;
    }
    after = page[page.length - 1];
    for (const pkg of page.filter((due) => !deferred.has(due.resource_id))) {
      const outcome = await renew(app, pkg);
      if (outcome === 'deferred') deferred.add(pkg.resource_id);
      if (outcome === 'renewed') renewedThisPass = true;
      if (outcome !== 'renewed elsewhere') counts[outcome]++;
    }
  }
}

async function renew(app: AppContext, due: DuePackage): Promise<Outcome> {
  const { db } = app.store;
  const log = { resourceId: due.resource_id, accountId: due.account_id, periodEnded: due.expire_at };
  if (due.account_status === 'disabled') return stop(app, due, log, 'AccountDisabled');
  try {
    // Inside the try: a failed price read defers this package, not the whole sweep.
    const price = await priceOf(db, packagePriceItem(due.package_type, due.region));
    const activeAt = due.expire_at + 1000;
    const next = { active_at: activeAt, expire_at: packageExpiry(activeAt), price };
    await payAtomically(
      app.store,
      {
        payer: { accountId: due.account_id, userId: null },
        amount: price,
        voucher: undefined,
        requestId: randomUUID(),
        action: RENEWAL_ACTION,
        resource: due.resource_id,
        deviceId: due.devices.length === 1 ? due.devices[0] : undefined,
        now: app.now(),
      },
      () => renewalStatements(db, due, next),
    );
    app.logger.info({ ...log, price, expireAt: next.expire_at }, 'traffic package renewed');
    return 'renewed';
  } catch (error) {
    const failed = unmetStatement(error);
    if (failed === ALREADY_RENEWED) return 'renewed elsewhere';
    const refusal = error instanceof StoreRefusal ? (error.reason as PaymentRefusal) : undefined;
    if (failed === HOLDS_LOST || (refusal !== undefined && FINAL_REFUSALS.has(refusal))) return stop(app, due, log, refusal ?? 'HoldsLost');
    app.logger.warn({ ...log, err: error }, 'traffic package renewal failed; the next sweep tries again');
    return 'deferred';
  }
}

/** Turns renewal off for a failure retrying cannot cure: the package expires. */
async function stop(app: AppContext, due: DuePackage, log: object, reason: string): Promise<Outcome> {
  await stopRenewal(app.store.db, due);
  app.logger.info({ ...log, reason }, 'traffic package not renewed: it expires');
  return 'stopped';
}

/**
 * The server's renewal sweeper: a sweep every FLEETGATE_RENEWAL_SWEEP_SECONDS (none when 0),
 * never two at once in this process; stop() waits for a sweep under way.
 */
export function startPackageRenewalSweeper(app: AppContext & { readonly config: Config }): { stop(): Promise<void> } {
  const seconds = app.config.renewalSweepSeconds;
  if (seconds === 0) return { stop: async () => {} };
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = sweepPackageRenewals(app)
      .catch((error: unknown) => app.logger.warn({ err: error }, 'traffic package renewal sweep failed'))
      .finally(() => (running = undefined));
  }, seconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
