/**
 * Sums a V8 CPU profile (`--cpu-prof`, or BENCH_CPU_PROF for servers a bench starts) by function
 * self time: the top functions and the top files. With `--last <s> [--skip-end <s>]` only the
 * samples of that window before the profile's end count (a bench's timed phase, without its
 * set-up); `--timeline` prints the busy share of each second, counted back from the end, to find it.
 *
 *   node --import tsx bench/support/cpu-profile-summary.ts <file.cpuprofile> [--top n] [--last s] [--skip-end s] [--timeline]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Profile {
  readonly nodes: readonly { readonly id: number; readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number } }[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' }, last: { type: 'string' }, 'skip-end': { type: 'string', default: '0' }, timeline: { type: 'boolean', default: false } },
});
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Profile;
const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
const idle = profile.nodes.find((node) => node.callFrame.functionName === '(idle)')?.id;
let at = profile.startTime;
const times = profile.timeDeltas.map((delta) => (at += delta));
const from = values.last === undefined ? -Infinity : profile.endTime - Number(values.last) * 1e6;
const upto = profile.endTime - Number(values['skip-end']) * 1e6;

if (values.timeline) {
  const seconds = new Map<number, [busy: number, all: number]>();
  profile.samples.forEach((sample, i) => {
    const second = Math.floor((profile.endTime - times[i]!) / 1e6);
    const counts = seconds.get(second) ?? [0, 0];
    counts[1] += profile.timeDeltas[i]!;
    if (sample !== idle) counts[0] += profile.timeDeltas[i]!;
    seconds.set(second, counts);
  });
  console.log([...seconds].sort((a, b) => a[0] - b[0]).map(([second, [busy, all]]) => `-${second}s ${Math.round((100 * busy) / all)}%`).join('  '));
}

const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
profile.samples.forEach((sample, i) => {
  if (times[i]! < from || times[i]! > upto) return;
  const frame = frames.get(sample)!;
  const file = frame.url.split('/').slice(-2).join('/');
  const name = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber}`;
  const delta = profile.timeDeltas[i]!;
  byFunction.set(name, (byFunction.get(name) ?? 0) + delta);
  byFile.set(file, (byFile.get(file) ?? 0) + delta);
  total += delta;
});
const print = (title: string, entries: Map<string, number>) => {
  console.log(`${title} (self time of ${(total / 1e6).toFixed(2)} s)`);
  for (const [name, us] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
    console.log(`${(us / 1e3).toFixed(0).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
  }
};
print('by function', byFunction);
print('by file', byFile);
