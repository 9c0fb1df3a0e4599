import type { ActionContext } from '../action-context.ts';
import { AlibabaError } from '../../protocols/alibaba/errors.ts';
import { findImportJob, type ImportJobRow } from './store/import-jobs.ts';

/** The caller's import job of that ApplyId in the addressed instance. */
export async function requireImportJob(ctx: ActionContext, instanceId: string, applyId: number): Promise<ImportJobRow> {
  if (applyId <= 0) throw new AlibabaError('iot.device.InvalidFormattedApplyId');
  const job = await findImportJob(ctx.store.db, ctx.accountId, instanceId, applyId);
  if (!job) throw new AlibabaError('iot.device.DeviceApplyIsNotFound');
  return job;
}
