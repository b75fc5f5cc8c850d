/**
 * Runs a command as a child process and measures it the way the benchmarks report it: wall time,
 * CPU time (user + system, all threads) and peak RSS. On a shared machine the wall time depends on
 * what else runs; the CPU time much less, so both are printed beside every ratio, with the load.
 *
 * CPU and memory come from GNU time (`/usr/bin/time`, Debian package `time`); without it only the
 * wall time is known and the rest prints as "—".
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

export interface Measured {
  wallS: number;
  userS: number | null;
  sysS: number | null;
  /** user + system */
  cpuS: number | null;
  maxRssMB: number | null;
  stdout: string;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';
const MARK = 'landgate-bench-rusage';

export function measure(cmd: string, args: string[], options: SpawnSyncOptions = {}): Measured {
  const timed = existsSync(GNU_TIME);
  const t0 = performance.now();
  const r = timed
    ? spawnSync(GNU_TIME, ['-f', `${MARK} %e %U %S %M`, cmd, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  const wallS = (performance.now() - t0) / 1000;
  let stderr = String(r.stderr ?? '');
  const stdout = String(r.stdout ?? '');
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${stderr}`);
  let userS: number | null = null, sysS: number | null = null, maxRssMB: number | null = null;
  const line = new RegExp(`^${MARK} ([\\d.]+) ([\\d.]+) ([\\d.]+) (\\d+)$`, 'm').exec(stderr);
  if (line) {
    userS = Number(line[2]);
    sysS = Number(line[3]);
    maxRssMB = Number(line[4]) / 1024;
    stderr = stderr.replace(line[0], '').trim();
  }
  return { wallS, userS, sysS, cpuS: userS !== null && sysS !== null ? userS + sysS : null, maxRssMB, stdout, stderr };
}

const s = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)} s`);

/** "wall 3.21 s, CPU 4.10 s (user 3.80 s + sys 0.30 s), peak 120 MB" */
export function describe(m: Measured): string {
  return `wall ${s(m.wallS)}, CPU ${s(m.cpuS)} (user ${s(m.userS)} + sys ${s(m.sysS)}), peak ${m.maxRssMB === null ? '—' : `${m.maxRssMB.toFixed(0)} MB`}`;
}

/** The two ratios (wall and CPU) of `ours` against `reference`. */
export function ratios(ours: Measured, reference: Measured): string {
  const cpu = ours.cpuS !== null && reference.cpuS ? `${(ours.cpuS / reference.cpuS).toFixed(2)}×` : '—';
  return `wall ${(ours.wallS / reference.wallS).toFixed(2)}×, CPU ${cpu}`;
}

/** "2 cores, load average 3.1 / 4.0 / 4.7 (1 / 5 / 15 min)" */
export function machine(): string {
  const [a, b, c] = loadavg();
  return `${availableParallelism()} cores, load average ${a.toFixed(1)} / ${b.toFixed(1)} / ${c.toFixed(1)} (1 / 5 / 15 min)`;
}

/** Commands run one after the other, measured as one: times added, the larger peak. */
export function sequence(...steps: Measured[]): Measured {
  const add = (pick: (m: Measured) => number | null) => (steps.some((m) => pick(m) === null) ? null : steps.reduce((sum, m) => sum + pick(m)!, 0));
  const peaks = steps.map((m) => m.maxRssMB);
  return {
    wallS: steps.reduce((sum, m) => sum + m.wallS, 0),
    userS: add((m) => m.userS),
    sysS: add((m) => m.sysS),
    cpuS: add((m) => m.cpuS),
    maxRssMB: peaks.some((p) => p === null) ? null : Math.max(...(peaks as number[])),
    stdout: steps.map((m) => m.stdout).join(''),
    stderr: steps.map((m) => m.stderr).join(''),
  };
}
