/**
 * The client side of `npm run bench -- bureau`, in a process of its own so that its peak memory is
 * the client's: the sweep (全部审查) of a shared project as `landgate check --all` runs it, with
 * the benchmark's all-rules profile. Prints one JSON line: seconds (wall), cpuSeconds (all
 * threads), maxRssMb (main thread and workers), parcels, verdicts, workers.
 *
 *   node bin/run-ts.js bench/bureau-sweep.ts <postgresql://…?schema=…>
 */
import { ProjectStore } from '../electron/services/project-store';
import { runSweep, sweepReferencesFor } from '../electron/services/sweep/run-sweep';
import { benchProfile } from './postgis-figures';

async function main(): Promise<void> {
  const url = process.argv[2];
  if (!url) throw new Error('usage: bureau-sweep.ts <project url>');
  const store = ProjectStore.open(url);
  try {
    const started = performance.now();
    const cpu = process.cpuUsage();
    let lastLog = started;
    const outcome = await runSweep(store, sweepReferencesFor(store), benchProfile(), {
      trigger: 'cli',
      onProgress(done, total) {
        if (performance.now() - lastLog > 30_000) {
          lastLog = performance.now();
          process.stderr.write(`  … ${done}/${total} (${Math.round((performance.now() - started) / 1000)} s, rss ${Math.round(process.memoryUsage().rss / 1048576)} MB)\n`);
        }
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    console.log(
      JSON.stringify({
        seconds,
        cpuSeconds: (used.user + used.system) / 1e6,
        maxRssMb: process.resourceUsage().maxRSS / 1024,
        parcels: outcome.summary.parcelCount,
        verdicts: outcome.summary.verdicts,
        workers: outcome.workers,
      }),
    );
  } finally {
    store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
