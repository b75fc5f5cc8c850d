/**
 * A second client for concurrency tests: opens the shared project at argv[2] and appends
 * argv[3] audit entries as fast as it can, each in its own transaction. With a barrier folder
 * (argv[5]) it says it is ready (`<label>.ready`) once connected and starts writing only when
 * `go` appears there, so clients that took different times to start still write at the same moment.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectStore } from '../../electron/services/project-store';

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function main(): void {
  const [url, count, label, barrier] = process.argv.slice(2);
  const store = ProjectStore.open(url);
  if (barrier) {
    writeFileSync(join(barrier, `${label}.ready`), '');
    const deadline = Date.now() + 60_000;
    while (!existsSync(join(barrier, 'go'))) {
      if (Date.now() > deadline) throw new Error('no go within a minute');
      sleep(5);
    }
  }
  for (let i = 0; i < Number(count); i++) store.appendAudit({ action: 'note', detail: { client: label, i } });
  store.close();
}
main();
