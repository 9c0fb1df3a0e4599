import { StoreRefusal } from '../storage/store-refusal.ts';
import { ConsoleError } from './console-route.ts';

/** Turns a store's refusal into a console error (its reason as the code, at the given status); anything else goes on. */
export function refusal(error: unknown, status: Readonly<Record<string, number>>): never {
  if (error instanceof StoreRefusal && status[error.reason] !== undefined) throw new ConsoleError(status[error.reason]!, error.reason, error.message);
  throw error;
}
