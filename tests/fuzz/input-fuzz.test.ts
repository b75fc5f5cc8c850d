/**
 * A sample of the seeded input corpus on every `npm test` (`npm run fuzz` runs the full one and
 * the SIGKILLs): every honest and hostile seed plus seeded mutations, each through the real
 * command in-process, judged by runCase (exit 0 or 2, no stack trace, refusal changes nothing,
 * time and memory budget).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../electron/cli/main';
import { makeCorpus, type FuzzCase } from './corpus';
import { runCase } from './run-case';

const SEED = 20261207;
const SAMPLE = 150;

let dir: string;
let template: string;
let cases: FuzzCase[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-fuzz-'));
  template = join(dir, 'template.gpkg');
  expect(await main(['init', template], { out() {}, err() {} })).toBe(0);
  cases = makeCorpus(join(dir, 'corpus'), SEED, SAMPLE);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('input fuzz sample', () => {
  it(`${SAMPLE} seeded cases: exit 0 or 2, no stack trace, refusals change nothing, within budget`, async () => {
    const failures: string[] = [];
    let refused = 0;
    for (const [i, c] of cases.entries()) {
      const result = await runCase(c, template, join(dir, `project-${i}.gpkg`));
      if (result.outcome === 'refused') refused++;
      if (result.problems.length) failures.push(`${c.name} (${c.file}): ${result.problems.join(', ')}\n${result.stderr.slice(0, 400)}`);
    }
    expect(failures).toEqual([]);
    // the hostile seeds must be refused, not slip through
    expect(refused).toBeGreaterThanOrEqual(15);
  }, 180_000);
});
