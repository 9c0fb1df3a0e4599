/**
 * Where a server's CPU went: sums the self time of a V8 `.cpuprofile` (written with
 * BENCH_CPU_PROF) per file (or package) and per function, and prints the top of each with its
 * share of the sampled time and, given the number of requests served, microseconds per request.
 *
 *   node --import tsx bench/support/profile-summary.ts <file.cpuprofile> [requests] [top]
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { fmt, table } from './harness.ts';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** A package under node_modules, a node: builtin, V8's own entries, or the file itself. */
function origin(url: string, functionName: string): string {
  // V8's own entries are already named in parentheses: (idle), (program), (garbage collector).
  if (url === '') return functionName.startsWith('(') ? functionName : `(${functionName || 'anonymous'})`;
  const nodeModules = url.lastIndexOf('node_modules/');
  if (nodeModules >= 0) {
    const [scopeOrName, name] = url.slice(nodeModules + 'node_modules/'.length).split('/');
    return scopeOrName!.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName!;
  }
  return url.replace(/^(file:\/\/)?.*?\/(dist|src|bench)\//, '$2/');
}

// The bundle (dist/) is one file for many packages: its source map says where each function came from.
const sourceMaps = new Map<string, SourceMap | undefined>();
function original(url: string, line: number, column: number): { url: string; line: number } {
  if (!url.startsWith('file://') || !url.endsWith('.js')) return { url, line };
  if (!sourceMaps.has(url)) {
    const mapFile = `${fileURLToPath(url)}.map`;
    sourceMaps.set(url, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : undefined);
  }
  const entry = sourceMaps.get(url)?.findEntry(line, column);
  return entry && 'originalSource' in entry && entry.originalSource ? { url: entry.originalSource, line: entry.originalLine } : { url, line };
}

const [file, requestsText, topText] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [requests] [top]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const requests = Number(requestsText ?? 0);
const top = Number(topText ?? 25);
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const byOrigin = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, index) => {
  const micros = profile.timeDeltas[index] ?? 0;
  const { functionName, lineNumber: bundleLine, columnNumber } = byId.get(id)!.callFrame;
  const { url, line: lineNumber } = original(byId.get(id)!.callFrame.url, bundleLine, columnNumber);
  const where = origin(url, functionName);
  total += micros;
  byOrigin.set(where, (byOrigin.get(where) ?? 0) + micros);
  const name = url ? `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}` : where;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
});

const idle = byOrigin.get('(idle)') ?? 0;
const busy = total - idle;
const rows = (sums: Map<string, number>) =>
  [...sums]
    .filter(([name]) => name !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, micros]) => ({
      'self ms': fmt(micros / 1000),
      '% busy': fmt((100 * micros) / busy, 1),
      ...(requests > 0 ? { 'µs/req': fmt(micros / requests, 1) } : {}),
      where: name,
    }));
console.log(`${file}: ${fmt(total / 1000)} ms sampled, ${fmt(idle / 1000)} ms idle${requests > 0 ? `, ${fmt(busy / requests, 1)} µs busy per request` : ''}`);
console.log('\nby file or package');
table(rows(byOrigin));
console.log('\nby function');
table(rows(byFunction));
