/**
 * Where reference data lives. The repository keeps its own copy under reference/ (see its
 * README). FLEETGATE_REFERENCE_DIR names another folder of the same layout (`tencent/`,
 * `alibaba/`, as in reference/ and in the upstream ../shared/reference): the generators then read
 * it instead of the copy, and the copy is checked against it instead of ../shared/reference.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (the parent of scripts/). */
export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The reference copy committed with the repository. */
export const IN_REPO_REFERENCE_DIR = join(repositoryRoot, 'reference');

/** What the generators read: $FLEETGATE_REFERENCE_DIR, else the in-repo copy. */
export function referenceDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLEETGATE_REFERENCE_DIR ?? IN_REPO_REFERENCE_DIR;
}

/** Where the in-repo copy comes from: $FLEETGATE_REFERENCE_DIR, else ../shared/reference beside the repository. */
export function upstreamReferenceDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLEETGATE_REFERENCE_DIR ?? join(repositoryRoot, '..', 'shared', 'reference');
}
