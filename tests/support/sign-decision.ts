/**
 * One reviewer's client signing a decision, as a process of its own (its own database
 * connection): `node bin/run-ts.js tests/support/sign-decision.ts <project> <json>` where json is
 * the DecisionInput. Prints the signed decision as JSON (exit 0), or the refusal's Chinese and
 * English messages (exit 2), as the CLI would; anything else is exit 1 with the stack.
 *
 * Tests start two of these at once to have two clients race for the same parcel.
 */
import { ProjectStore } from '../../electron/services/project-store';
import { ReviewStore } from '../../electron/services/review/review-store';
import { isUserInputError } from '../../shared/model/errors';

const [project, json] = process.argv.slice(2);
try {
  const store = ProjectStore.open(project);
  try {
    const decision = new ReviewStore(store).signDecision(JSON.parse(json));
    process.stdout.write(`${JSON.stringify(decision)}\n`);
  } finally {
    store.close();
  }
} catch (error) {
  if (isUserInputError(error)) {
    process.stderr.write(`错误：${error.messageZh}\nerror: ${error.messageEn}\ncode: ${error.code}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  }
}
