/**
 * The two departments of the exchange tests (乡政办发〔2023〕46号 土壤 9): the ecology bureau's demo
 * project, swept with the 夏县 profile and with a signed decision on XX-2026-001, and an empty
 * natural-resources project that receives its packages.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { ProjectStore } from '../../electron/services/project-store';
import { ReviewStore } from '../../electron/services/review/review-store';
import type { Decision } from '../../shared/review/model';
import { landgate } from './cli';

export const SIGNATURE = { name: '赵审查', department: '夏县生态环境分局', date: '2026-11-18' };

export interface Departments {
  dir: string;
  /** 生态环境分局: demo project, checked, XX-2026-001 decided (不予准入). */
  source: string;
  /** 自然资源局: new empty project. */
  target: string;
  firstDecision: Decision;
}

/** Builds both projects in a new temp dir; `extra` may sign more decisions in the source project. */
export function twoDepartments(prefix: string, extra?: (review: ReviewStore, first: Decision) => void): Departments {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const source = join(dir, 'eco.gpkg');
  const target = join(dir, 'nr.gpkg');
  expect(landgate(['demo', source]).status).toBe(0);
  expect(landgate(['init', target, '--title', '夏县自然资源局']).status).toBe(0);
  expect(landgate(['check', source, '--all', '--profile', 'xiaxian', '--out', join(dir, 'all.json')]).status).toBe(0);
  const store = ProjectStore.open(source);
  try {
    const review = new ReviewStore(store);
    const firstDecision = review.signDecision({ table: 'parcels', parcelId: 'XX-2026-001', decision: 'rejected', opinion: '不予准入。', conditions: [], signature: SIGNATURE });
    extra?.(review, firstDecision);
    return { dir, source, target, firstDecision };
  } finally {
    store.close();
  }
}

/** A copy of the package at `pkg` whose signed decision was edited behind its hash (不予准入 → 准予). */
export function tamperedPackage(pkg: string, out: string): string {
  const copy = new Database(pkg, { readonly: true });
  copy.exec(`VACUUM INTO '${out}'`);
  copy.close();
  const db = new Database(out);
  db.prepare("UPDATE landgate_pkg_decisions SET decision_json = replace(decision_json, '不予准入。', '准予。')").run();
  db.close();
  return out;
}
