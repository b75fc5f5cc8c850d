import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readParcelLayer, readReferenceLayers } from '../../electron/services/api-service';
import { demoParcelExpectations, generateDemoProject } from '../../electron/services/demo';
import { getProfile } from '../../electron/services/profiles';
import { ProjectStore } from '../../electron/services/project-store';
import type { CheckReport } from '../../shared/model/check';
import { buildReferenceIndex, checkParcels } from '../../shared/rules/engine';

let dir: string;
let report: CheckReport;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-demo-verdicts-'));
  const path = join(dir, 'demo.gpkg');
  generateDemoProject(path);
  const store = ProjectStore.open(path, { readonly: true });
  try {
    const index = buildReferenceIndex(readReferenceLayers(store));
    report = checkParcels(index, readParcelLayer(store, 'parcels'), getProfile('xiaxian'), { checkedAt: new Date('2026-01-02T00:00:00Z') });
  } finally {
    store.close();
  }
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('demo parcels under the xiaxian profile', () => {
  it('cover all three verdicts', () => {
    const verdicts = new Set(report.parcels.map((p) => p.verdict));
    expect(verdicts).toEqual(new Set(['prohibited', 'conditional', 'permitted']));
  });

  it('get the verdict each was designed for (data/demo/parcels.json `expect`)', () => {
    const actual = Object.fromEntries(report.parcels.map((p) => [p.id, `${p.verdict}: ${p.findings.map((f) => `${f.rule}/${f.severity}`).join(', ')}`]));
    const expected = Object.fromEntries(demoParcelExpectations().map((e) => [e.id, e.expect]));
    const mismatches = Object.entries(expected)
      .filter(([id, verdict]) => !actual[id]?.startsWith(`${verdict}:`))
      .map(([id, verdict]) => `${id}: designed ${verdict}, got ${actual[id] ?? '(missing)'}`);
    expect(mismatches).toEqual([]);
  });

  it('exercise the headline rules', () => {
    const rules = new Set(report.parcels.flatMap((p) => p.findings.map((f) => f.rule)));
    for (const rule of ['soil.listed-sensitive', 'water.zone1', 'water.zone2', 'water.quasi', 'heat.clean-heating-band', 'soil.survey-required', 'soil.suspect-query', 'river.agri-chemical-limit']) {
      expect(rules, rule).toContain(rule);
    }
  });
});
