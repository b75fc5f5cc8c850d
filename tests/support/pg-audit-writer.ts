/**
 * A second client for concurrency tests: opens the shared project at argv[2] and appends
 * argv[3] audit entries as fast as it can, each in its own transaction.
 */
import { ProjectStore } from '../../electron/services/project-store';

function main(): void {
  const [url, count, label] = process.argv.slice(2);
  const store = ProjectStore.open(url);
  for (let i = 0; i < Number(count); i++) store.appendAudit({ action: 'note', detail: { client: label, i } });
  store.close();
}
main();
