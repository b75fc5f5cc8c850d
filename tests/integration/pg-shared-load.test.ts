/**
 * A bounded load test of one shared project: two `landgate serve` processes (two workstations,
 * each under its own database login) on the demo county in PostGIS, and 20 HTTP clients on
 * loopback, split between them, each doing for ~25 s what a reviewer's page does
 * (renderer/platform/api.ts, the routes of electron/host/server.ts with the session token and the
 * page's Origin): the project, pages of the parcel list, the map's vector tiles, checks of parcels
 * (recorded), a parcel's attributes and review, pages of a layer's attribute table, and signing
 * submissions. Two clients, one on each workstation, open the same submission and sign it at
 * once: one signature stands, the other reviewer gets the conflict answer naming who signed
 * first — an expected outcome, not an error.
 *
 * Asserted: no error (no 5xx, no transport error, no 4xx but that conflict), every signature
 * answered as signed is in the project exactly once (and nothing else was signed), every check
 * answered is recorded, and the audit hash chain verifies afterwards. Printed: latency p50 / p95 /
 * p99 per kind of request, and requests per second. `LANDGATE_LOAD_SECONDS` sets the duration.
 * Figures, not assertions: the machine is shared.
 */
import { availableParallelism, loadavg } from 'node:os';
import type { Feature } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectStore } from '../../electron/services/project-store';
import { ReviewStore } from '../../electron/services/review/review-store';
import { buildDemoLayers, DEMO_TITLE } from '../../electron/services/demo';
import { SESSION_HEADER } from '../../shared/api/contract';
import type { ParcelPage } from '../../shared/api/contract';
import type { AuditView, Decision, ParcelReview } from '../../shared/review/model';
import { prepareArtifactsAndRenderer, sessionTokenOf, startServe, type Served } from '../support/browser';
import { freshSchema, startPostgis, type ThrowawayPostgis } from '../support/postgis';

const CLIENTS = 20;
const SECONDS = Number(process.env.LANDGATE_LOAD_SECONDS ?? 25);
/** Submissions each pair of clients signs during the run. */
const SIGNINGS_PER_PAIR = 2;
const LOGINS = ['load_ws_a', 'load_ws_b'] as const;
const PROFILE = 'xiaxian';

let pg: ThrowawayPostgis;
let schema: string;
let servers: Served[] = [];
let parcelIds: string[] = [];
let referenceTables: string[] = [];
/** Parcel ids of each registered submission, in the order the pairs sign them. */
const submissions: string[][] = [];
let parcelCenters = new Map<string, [number, number]>();

beforeAll(async () => {
  pg = startPostgis();
  schema = freshSchema('load');
  pg.psql(LOGINS.map((login) => `CREATE ROLE ${login} LOGIN;`).join('\n'));
  // The demo county, written into the shared project as `landgate import` writes each layer (its
  // DEM stays GeoPackage-only; the band layer is a vector layer like any other).
  const layers = buildDemoLayers();
  const store = ProjectStore.create(pg.url(schema), { title: DEMO_TITLE, synthetic: true });
  try {
    for (const layer of layers) store.writeLayer({ table: layer.table, kind: layer.kind, title: layer.title, sourceFile: null, originalCrs: 'EPSG:4490', features: layer.features });
    for (const login of LOGINS) store.roles.grant(login, 'reviewer');
    const parcels = layers.find((l) => l.table === 'parcels')!;
    parcelIds = parcels.features.map((f) => String(f.properties!.id));
    parcelCenters = new Map(parcels.features.map((f) => [String(f.properties!.id), centerOf(f)]));
    referenceTables = layers.filter((l) => l.kind !== 'parcel').map((l) => l.table);
    // Registered as a planner registers them: submissions of two parcels and of one.
    const review = new ReviewStore(store);
    const wanted = (CLIENTS / 2) * SIGNINGS_PER_PAIR;
    for (let at = 0, n = 0; n < wanted && at < parcelIds.length; n++) {
      const ids = parcelIds.slice(at, at + (n % 2 === 0 ? 2 : 1));
      at += ids.length;
      review.createSubmission({ parcelTable: 'parcels', parcelIds: ids, applicant: '夏县土地储备中心', receivedOn: '2026-11-03' });
      submissions.push(ids);
    }
  } finally {
    store.close();
  }
  expect(submissions.length).toBe((CLIENTS / 2) * SIGNINGS_PER_PAIR);
  prepareArtifactsAndRenderer();
  servers = await Promise.all(LOGINS.map((login) => startServe(pg.url(schema, login), { env: { ...pg.env, LANDGATE_DEBUG: '' } })));
}, 600_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  pg?.stop();
});

function centerOf(feature: Feature): [number, number] {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      minX = Math.min(minX, c[0] as number);
      maxX = Math.max(maxX, c[0] as number);
      minY = Math.min(minY, c[1] as number);
      maxY = Math.max(maxY, c[1] as number);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  visit((feature.geometry as { coordinates: unknown }).coordinates);
  return [(minX + maxX) / 2, (minY + maxY) / 2];
}

/** The XYZ tile holding a point at zoom z (Web Mercator, as MapLibre asks). */
function tileOf([lon, lat]: [number, number], z: number): [number, number] {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n)];
}

type Kind = 'getAuditTrail' | 'getProject' | 'queryParcels' | 'tile' | 'checkParcel' | 'getParcelAttributes' | 'queryFeatures' | 'getParcelReview' | 'signDecision';

interface Outcome {
  latencies: Map<Kind, number[]>;
  errors: string[];
  conflicts: { submission: number; message: string }[];
  signed: { submission: number; login: string; decision: Decision }[];
  checks: number;
}

/** One API call as the page makes it; a 400 with an expected code is returned, anything else not 200 is thrown. */
async function call<T>(outcome: Outcome, server: Served, kind: Kind, method: string, body: unknown, expected: string[] = []): Promise<{ ok: true; body: T } | { ok: false; code: string; message: string }> {
  const origin = new URL(server.url).origin;
  const t0 = performance.now();
  const response = await fetch(new URL(`/api/${method}`, server.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin, 'Sec-Fetch-Site': 'same-origin', [SESSION_HEADER]: sessionTokenOf(server.url) },
    body: JSON.stringify(body ?? {}),
  });
  const text = await response.text();
  push(outcome, kind, performance.now() - t0);
  if (response.status === 200) return { ok: true, body: JSON.parse(text) as T };
  const error = (() => {
    try {
      return (JSON.parse(text) as { error?: { code?: string; messageZh?: string } }).error;
    } catch {
      return undefined;
    }
  })();
  if (response.status === 400 && error?.code && expected.includes(error.code)) return { ok: false, code: error.code, message: error.messageZh ?? '' };
  throw new Error(`${method}: HTTP ${response.status} ${text.slice(0, 300)}`);
}

async function tile(outcome: Outcome, server: Served, table: string, z: number, x: number, y: number): Promise<void> {
  const t0 = performance.now();
  const response = await fetch(new URL(`/tiles/vector/${table}/${z}/${x}/${y}.pbf`, server.url), {
    headers: { Origin: new URL(server.url).origin, 'Sec-Fetch-Site': 'same-origin', [SESSION_HEADER]: sessionTokenOf(server.url) },
  });
  await response.arrayBuffer();
  push(outcome, 'tile', performance.now() - t0);
  if (response.status !== 200) throw new Error(`tile ${table}/${z}/${x}/${y}: HTTP ${response.status}`);
}

function push(outcome: Outcome, kind: Kind, ms: number): void {
  let list = outcome.latencies.get(kind);
  if (!list) outcome.latencies.set(kind, (list = []));
  list.push(ms);
}

/** Resolves when all `parties` have arrived: both reviewers have the submission open before either signs. */
class Meeting {
  private arrived = 0;
  private open!: () => void;
  private readonly opened = new Promise<void>((r) => (this.open = r));
  constructor(private readonly parties: number) {}
  /** Fails after `timeoutMs` rather than leave a reviewer waiting for one who never comes. */
  async arrive(timeoutMs = 120_000): Promise<void> {
    if (++this.arrived === this.parties) this.open();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the other reviewer did not open the submission within ${timeoutMs / 1000} s`)), timeoutMs)));
    try {
      await Promise.race([this.opened, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)];

/**
 * One reviewer's page for the duration: opens the project and the list, then clicks around; at
 * its pair's signing times it opens the pair's next submission, meets the other reviewer, and signs.
 */
async function reviewer(outcome: Outcome, client: number, deadline: number, startedAt: number, meetings: Meeting[][]): Promise<void> {
  const server = servers[client % 2];
  const pair = Math.floor(client / 2);
  const signer = { name: `审查员${client + 1}`, department: '夏县自然资源局', date: '2026-11-20' };
  const signingTimes = Array.from({ length: SIGNINGS_PER_PAIR }, (_, k) => startedAt + ((k + 0.5) / SIGNINGS_PER_PAIR) * (deadline - startedAt) * 0.85);
  let signed = 0;
  const safely = async (fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (error) {
      outcome.errors.push(`client ${client + 1} (${LOGINS[client % 2]}): ${(error as Error).message}`);
    }
  };

  await safely(async () => {
    await call(outcome, server, 'getProject', 'getProject', {});
    await call(outcome, server, 'queryParcels', 'queryParcels', { offset: 0, limit: 100 });
  });
  const signNext = async () => {
    const k = signed++;
    await safely(() => sign(outcome, server, client, pair * SIGNINGS_PER_PAIR + k, signer, meetings[pair][k]));
  };
  while (performance.now() < deadline) {
    if (signed < SIGNINGS_PER_PAIR && performance.now() >= signingTimes[signed]) {
      await signNext();
      continue;
    }
    const roll = Math.random();
    await safely(async () => {
      if (roll < 0.2) {
        const page = await call<ParcelPage>(outcome, server, 'queryParcels', 'queryParcels', {
          offset: Math.floor(Math.random() * 3) * 10,
          limit: 50,
          sort: pick([{ key: 'id' }, { key: 'name' }, { key: 'verdict', descending: true }]),
          ...(Math.random() < 0.3 ? { verdict: pick(['prohibited', 'conditional', 'permitted', 'unchecked']) } : {}),
        });
        if (!page.ok || !Array.isArray(page.body.rows)) throw new Error('queryParcels: no rows');
      } else if (roll < 0.45) {
        // A map view: 2×2 tiles of the parcels and two reference layers, fetched at once as MapLibre does.
        const z = pick([10, 12, 13, 14, 15]);
        const [x, y] = tileOf(parcelCenters.get(pick(parcelIds))!, z);
        const tables = ['parcels', pick(referenceTables), pick(referenceTables)];
        await Promise.all(tables.flatMap((table) => [0, 1].flatMap((dx) => [0, 1].map((dy) => tile(outcome, server, table, z, x + dx, y + dy)))));
      } else if (roll < 0.65) {
        await call(outcome, server, 'checkParcel', 'checkParcel', { table: 'parcels', parcelId: pick(parcelIds), profile: PROFILE });
        outcome.checks++;
      } else if (roll < 0.75) {
        await call(outcome, server, 'getParcelAttributes', 'getParcelAttributes', { table: 'parcels', parcelId: pick(parcelIds) });
      } else if (roll < 0.85) {
        await call(outcome, server, 'queryFeatures', 'queryFeatures', { table: pick(referenceTables), offset: 0, limit: 100 });
      } else if (roll < 0.97) {
        await call(outcome, server, 'getParcelReview', 'getParcelReview', { table: 'parcels', parcelId: pick(parcelIds) });
      } else {
        await call(outcome, server, 'getProject', 'getProject', {});
      }
    });
  }
  // A slow answer can carry a client past the end before its last signing time: its partner is
  // waiting for it at that submission.
  while (signed < SIGNINGS_PER_PAIR) await signNext();
}

/** As ReviewPanel signs: the review read first, the decision on what it showed, the whole submission at once. */
async function sign(outcome: Outcome, server: Served, client: number, index: number, signer: { name: string; department: string; date: string }, meeting: Meeting): Promise<void> {
  const ids = submissions[index];
  let review: ParcelReview | null = null;
  try {
    const read = await call<ParcelReview>(outcome, server, 'getParcelReview', 'getParcelReview', { table: 'parcels', parcelId: ids[0] });
    if (read.ok) review = read.body;
  } finally {
    // The other reviewer waits for this one whatever happened, so neither is left hanging.
    await meeting.arrive();
  }
  if (!review) return;
  const last = review.decisions.at(-1) ?? null;
  const decision = pick(['approved', 'conditional', 'rejected'] as const);
  const result = await call<Decision>(
    outcome,
    server,
    'signDecision',
    'signDecision',
    {
      table: 'parcels',
      parcelId: ids[0],
      decision,
      opinion: `${signer.name}：按报件整体审查。`,
      conditions: decision === 'conditional' ? ['开展土壤污染状况调查'] : [],
      signature: signer,
      checkId: review.latestCheck?.checkId,
      supersedes: last ? last.id : undefined,
      revisionReason: undefined,
      coverSubmission: review.submissionParcels.length > 1 || undefined,
    },
    ['review.conflict'],
  );
  if (result.ok) outcome.signed.push({ submission: index, login: LOGINS[client % 2], decision: result.body });
  else outcome.conflicts.push({ submission: index, message: result.message });
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

describe('20 clients on two workstations of one shared project', () => {
  it('answer every request (the second signature of a submission with the conflict), record every signature once, and keep the audit chain whole', async () => {
    const outcome: Outcome = { latencies: new Map(), errors: [], conflicts: [], signed: [], checks: 0 };
    // Warm-up, not measured: each workstation's check workers build their reference index.
    for (const server of servers) {
      await call(outcome, server, 'checkParcel', 'checkParcel', { table: 'parcels', parcelId: parcelIds[0], profile: PROFILE });
      outcome.checks++;
    }
    outcome.latencies.clear();
    const loadBefore = loadavg()[0];
    const startedAt = performance.now();
    const deadline = startedAt + SECONDS * 1000;
    const meetings = Array.from({ length: CLIENTS / 2 }, () => Array.from({ length: SIGNINGS_PER_PAIR }, () => new Meeting(2)));
    await Promise.all(Array.from({ length: CLIENTS }, (_, client) => reviewer(outcome, client, deadline, startedAt, meetings)));
    const seconds = (performance.now() - startedAt) / 1000;
    const loadAfter = loadavg()[0];

    const rows = [...outcome.latencies.entries()].map(([kind, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return [kind, String(values.length), (values.length / seconds).toFixed(1), ms(quantile(sorted, 0.5)), ms(quantile(sorted, 0.95)), ms(quantile(sorted, 0.99)), ms(sorted.at(-1)!)];
    });
    const total = [...outcome.latencies.values()].reduce((n, v) => n + v.length, 0);
    const header = ['request', 'n', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    console.log(
      [
        `${CLIENTS} clients on 2 landgate serve processes (one PostGIS project, the demo county), ${seconds.toFixed(1)} s; ${availableParallelism()} cores, load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`,
        header.map((h, i) => h.padEnd(widths[i])).join('  '),
        ...rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')),
        `all: ${total} requests, ${(total / seconds).toFixed(1)} req/s; ${outcome.signed.length} submissions signed, ${outcome.conflicts.length} second signatures answered with the conflict; ${outcome.errors.length} errors`,
      ].join('\n'),
    );

    // What the workstations logged (an internal error's stack) says more than the clients saw.
    const logged = servers.map((s) => s.output().slice(0, 8000)).join('\n');
    expect(outcome.errors, logged).toEqual([]);
    for (const server of servers) expect(server.output()).not.toMatch(/internal error|request failed/);

    // Every submission signed once, by one of its two reviewers; the other one told so.
    expect(outcome.signed.map((s) => s.submission).sort((a, b) => a - b)).toEqual(submissions.map((_, i) => i));
    expect(outcome.conflicts.map((c) => c.submission).sort((a, b) => a - b)).toEqual(submissions.map((_, i) => i));
    for (const conflict of outcome.conflicts) expect(conflict.message).toMatch(/已由 审查员\d+（load_ws_[ab]）于 .+ 签署审查决定“[^”]+”（第 1 版），您的签发未写入。/);

    // In the project: exactly the decisions the clients were told they signed, each parcel once.
    const q = (table: string) => `"${schema}".${table}`;
    const byParcel = (a: string[], b: string[]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
    const stored = pg.psql(`SELECT parcel_id, revision, signer_name, "user" FROM ${q('landgate_decisions')}`).sort(byParcel);
    const expected = outcome.signed.flatMap((s) => submissions[s.submission].map((parcelId) => [parcelId, '1', s.decision.signature.name, s.login])).sort(byParcel);
    expect(stored).toEqual(expected);
    const decisionEntries = Number(pg.psql(`SELECT count(*) FROM ${q('landgate_audit')} WHERE action = 'decision'`)[0][0]);
    expect(decisionEntries).toBe(expected.length);
    // Every check answered is recorded (a click is a query record), none twice.
    expect(Number(pg.psql(`SELECT count(*) FROM ${q('landgate_checks')}`)[0][0])).toBe(outcome.checks);

    // The audit chain verifies, read through the API as the 审计 panel reads it.
    const trail = await call<AuditView>(outcome, servers[1], 'getAuditTrail', 'getAuditTrail', {});
    expect(trail.ok && trail.body.integrity).toEqual({ ok: true, problems: [] });
  }, 300_000);
});
