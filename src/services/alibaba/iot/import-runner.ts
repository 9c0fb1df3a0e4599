import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../../../core/app-context.ts';
import { StoreRefusal } from '../../../storage/store-refusal.ts';
import {
  claimImportJob,
  failImportJob,
  releaseImportJob,
  runImportBatch,
  runNameCheck,
  type ImportJobRow,
} from './store/import-jobs.ts';
import { HOST_PREFIX, isDeadLocalRunner, newRunnerId } from './runner-identity.ts';

/** A running import-job runner; `stop` finishes the batch under way and hands its job back. */
export interface ImportJobRunner {
  stop(): Promise<void>;
}

export interface ImportJobRunnerOptions {
  /** Jobs worked on at once by this process. */
  readonly concurrency?: number;
  /** Devices inserted per transaction. */
  readonly batchSize?: number;
  /** How long a claimed job stays with this runner without progress before another may take it. */
  readonly leaseMs?: number;
  /** Pause between looks for work while idle. */
  readonly pollMs?: number;
  /** A job lost this many times (crashes, failing batches) is ended as CHECK_FAILED / CREATE_FAILED. */
  readonly maxAttempts?: number;
}

const DEFAULTS = { concurrency: 2, batchSize: 1_000, leaseMs: 30_000, pollMs: 200, maxAttempts: 5 } as const;

/**
 * Works off the apply jobs stored in the database (BatchImportDevice, BatchCheckDeviceNames,
 * BatchRegisterDevice, BatchRegisterDeviceWithApplyId), on every node that runs one. A job is
 * leased (claimImportJob). A name check is one transaction; creation runs in batches that each
 * commit devices and progress together, renewing the lease. A job whose runner died is taken
 * over once its lease expires (at once when it was a process of this host that has ended:
 * runner-identity.ts) and resumes at its first unprocessed row. A job that keeps failing
 * ends as CHECK_FAILED / CREATE_FAILED with its unprocessed rows reported: it never stops half
 * done without saying so.
 */
export function startImportJobRunner(app: AppContext, options: ImportJobRunnerOptions = {}): ImportJobRunner {
  const settings = { ...DEFAULTS, ...options };
  const owner = newRunnerId();
  const { db } = app.store;
  const stopping = new AbortController();
  const deadHolders = HOST_PREFIX === undefined ? undefined : { prefix: HOST_PREFIX, isDead: isDeadLocalRunner };

  const pause = async (ms: number): Promise<void> => {
    try {
      await sleep(ms, undefined, { signal: stopping.signal });
    } catch {
      // Aborted by stop(): the loop checks the signal next.
    }
  };

  async function runJob(job: ImportJobRow): Promise<void> {
    if (job.attempts >= settings.maxAttempts) {
      app.logger.error({ applyId: job.apply_id, attempts: job.attempts }, 'import job failed too often; ending it');
      await failImportJob(db, job.apply_id, owner, 'iot.device.ApplyManyDevicesFailed', app.now());
      return;
    }
    if (job.status === 'CHECK') {
      await runNameCheck(db, app.store.dialect, job, owner, app.now());
      return;
    }
    for (;;) {
      if (stopping.signal.aborted) {
        await releaseImportJob(db, job.apply_id, owner, false);
        return;
      }
      const outcome = await runImportBatch(db, job, owner, app.now(), settings);
      if (outcome !== 'continued') return;
    }
  }

  async function slot(): Promise<void> {
    while (!stopping.signal.aborted) {
      let job: ImportJobRow | undefined;
      try {
        job = await claimImportJob(db, owner, app.now(), settings.leaseMs, deadHolders);
        if (job) await runJob(job);
      } catch (error) {
        if (job && error instanceof StoreRefusal && error.reason === 'quota') {
          await failImportJob(db, job.apply_id, owner, 'iot.device.DeviceCountExceeded', app.now()).catch((e: unknown) => logFailure(e, job));
        } else {
          logFailure(error, job);
          if (job) await releaseImportJob(db, job.apply_id, owner, true).catch((e: unknown) => logFailure(e, job));
          await pause(settings.pollMs);
        }
        continue;
      }
      if (!job) await pause(settings.pollMs);
    }
  }

  function logFailure(error: unknown, job: ImportJobRow | undefined): void {
    app.logger.error({ err: error, applyId: job?.apply_id }, 'import job runner failure');
  }

  const slots = Array.from({ length: settings.concurrency }, () => slot());
  return {
    async stop() {
      stopping.abort();
      await Promise.all(slots);
    },
  };
}
