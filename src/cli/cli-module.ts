import type { Command } from 'commander';
import type { AppContext } from '../core/app-context.ts';

/** Opens the configured store (migrated) for one CLI command and closes it afterwards. */
export type WithApp = <T>(work: (app: AppContext) => Promise<T>) => Promise<T>;

/**
 * Adds a group of commands to the `fleetgate` program. Every command accepts `--json`
 * (machine-readable output on stdout) and otherwise prints a short human table.
 */
export type CliModule = (program: Command, withApp: WithApp) => void;
