import type { Logger } from 'pino';
import type { Store } from '../storage/database.ts';
import type { SecretBox } from './secret-box.ts';
import type { AccessRevocations } from './access-revocations.ts';

/** The long-lived parts every entry point (server, admin API, CLI) shares. */
export interface AppContext {
  readonly store: Store;
  readonly secrets: SecretBox;
  readonly logger: Logger;
  /** Epoch milliseconds; injectable so tests can move time. */
  readonly now: () => number;
  /** Where actions that revoke device access say so (a server's MQTT listener listens); absent in CLI commands. */
  readonly revocations?: AccessRevocations;
}
