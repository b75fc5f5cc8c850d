/**
 * Offline meetings from the shared project: `pull` copies what a meeting needs — the chosen
 * submissions (or the parcels in a box, or everything), the reference layers around them, the
 * project's profiles and settings, each parcel's latest check and every signed decision — into
 * a GeoPackage on a laptop; `push` brings back what was decided and edited there.
 *
 * A push writes offline decisions as new revisions on the shared side, with their signer, signing
 * time, offline account and the laptop's own decision id in their provenance, and an audit entry
 * listing what happened offline. Whether a side changed is judged against the baseline recorded
 * at the pull (store/sync-baseline.ts): a parcel decided on both sides keeps both decisions —
 * the offline one becomes the newer revision, flagged "待复核" with the id of the one it met — and
 * an attribute edited on both sides is not written over: it is reported and left for the reviewer.
 * Pushing the same copy twice adds nothing the second time.
 *
 * Both ends are project locations: a postgresql:// URL or a .gpkg (a copy of a copy works too).
 */
import { createHash, randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { CheckReport } from '../../../shared/model/check';
import { UserInputError } from '../../../shared/model/errors';
import type { BBox, LayerInfo } from '../../../shared/model/layers';
import type { Decision, PackageProvenance } from '../../../shared/review/model';
import { geometryEnvelope } from '../gpkg-binary';
import { ProjectStore, type StoredFeature } from '../project-store';
import { createFileAtomically } from '../reports/output';
import { PARCEL_ATTRIBUTE_AUDIT_ACTION } from '../parcel-attributes';
import { ReviewStore } from '../review/review-store';
import { MAX_KEYS_PER_REQUEST } from '../store/feature-request';
import { SyncBaselineRepository, type SyncBaselineRow } from '../store/sync-baseline';

/** Reference features this far around the meeting's parcels come along (the widest rule buffer is 900 m). */
export const MEETING_MARGIN_DEG = 0.02;
const WRITE_BATCH = 2_000;

export const SYNC_META = {
  source: 'syncSource',
  pulledAt: 'syncPulledAt',
  copyId: 'syncCopyId',
  pulledAuditSeq: 'syncPulledAuditSeq',
} as const;

export interface PullOptions {
  /** Registered submission ids (landgate_submissions.id) to take. */
  submissions?: readonly number[];
  /** EPSG:4490 box: the parcels in it and their submissions. */
  bbox?: BBox;
}

export interface PullResult {
  parcels: number;
  submissions: number;
  decisions: number;
  layers: { table: string; title: string; kind: string; features: number }[];
}

export interface PushConflict {
  parcelTable: string;
  parcelId: string;
  kind: 'decision' | 'attributes';
  /** Chinese, for the reviewer (messageEn for the English UI and logs). */
  message: string;
  messageEn: string;
}

export interface PushResult {
  decisions: number;
  alreadyPushed: number;
  attributeEdits: number;
  conflicts: PushConflict[];
  /** Offline decisions on parcels the shared project does not have. */
  skipped: string[];
}

/** sha256 of a parcel's attributes, keys in order: what "changed since the pull" compares. */
export function attributesHash(properties: Record<string, unknown>): string {
  const sorted = Object.keys(properties)
    .sort()
    .map((k) => [k, properties[k] ?? null]);
  return createHash('sha256').update(JSON.stringify(sorted), 'utf8').digest('hex');
}

const keyOf = (table: string, id: string) => `${table}\u0000${id}`;

function grow(box: BBox | null, other: BBox): BBox {
  return box ? [Math.min(box[0], other[0]), Math.min(box[1], other[1]), Math.max(box[2], other[2]), Math.max(box[3], other[3])] : [...other];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The parcels a pull takes, by layer. */
function selectParcels(source: ProjectStore, review: ReviewStore, options: PullOptions): { parcels: Map<string, string[]>; submissionIds: Set<number> } {
  const parcelLayers = source.listLayers().filter((l) => l.kind === 'parcel');
  const submissions = review.registeredSubmissions();
  const parcels = new Map<string, string[]>();
  const add = (table: string, ids: readonly string[]) => parcels.set(table, [...new Set([...(parcels.get(table) ?? []), ...ids])]);
  const submissionIds = new Set<number>();
  if (options.submissions?.length) {
    for (const id of options.submissions) {
      const s = submissions.find((r) => r.id === id);
      if (!s) {
        const known = submissions.map((r) => `${r.id}（${r.title}）`).join('、') || '（无）';
        throw new UserInputError('sync.submission-unknown', `共享项目中没有编号为 ${id} 的报件。现有报件：${known}。`, `No submission ${id} in the shared project.`);
      }
      submissionIds.add(id);
      add(s.parcelTable, s.parcelIds);
    }
    return { parcels, submissionIds };
  }
  for (const layer of parcelLayers) {
    const ids: string[] = [];
    for (const f of source.iterateFeatures(layer.table, { ...(options.bbox ? { bbox: options.bbox } : {}), geometry: false, attributes: [] })) ids.push(f.id);
    if (ids.length) add(layer.table, ids);
  }
  for (const s of submissions) {
    const taken = new Set(parcels.get(s.parcelTable) ?? []);
    if (s.parcelIds.some((id) => taken.has(id))) {
      submissionIds.add(s.id);
      add(s.parcelTable, s.parcelIds);
    }
  }
  return { parcels, submissionIds };
}

/** Copies the features a request yields into a new layer of `target` shaped like `layer`. */
export function copyLayer(source: ProjectStore, target: ProjectStore, layer: LayerInfo, features: Iterable<StoredFeature>): number {
  const columns = source.layers.columns(layer.table).map(({ key, type, source: field }) => (field ? { key, type, source: field } : { key, type }));
  const writer = target.beginLayer({ table: layer.table, kind: layer.kind, title: layer.title, sourceFile: layer.sourceFile, originalCrs: layer.originalCrs, columns, geometryType: layer.geometryType, importedAt: layer.importedAt });
  let batch: StoredFeature[] = [];
  let count = 0;
  const flush = () => {
    writer.write(batch.map((f) => ({ type: 'Feature', id: f.id, properties: f.properties, geometry: f.geometry! })));
    count += batch.length;
    batch = [];
  };
  for (const f of features) {
    if (!f.geometry) continue;
    batch.push(f);
    if (batch.length >= WRITE_BATCH) flush();
  }
  flush();
  writer.finish();
  return count;
}

function* featuresById(store: ProjectStore, table: string, ids: readonly string[], geometry = true): Generator<StoredFeature> {
  for (const part of chunks(ids, MAX_KEYS_PER_REQUEST)) yield* store.iterateFeatures(table, { ids: part, geometry });
}

/** Copies the meeting's share of `sourceLocation` into a new GeoPackage at `laptopPath`. */
export function pullMeetingCopy(sourceLocation: string, laptopPath: string, options: PullOptions = {}): PullResult {
  const source = ProjectStore.open(sourceLocation);
  try {
    const review = new ReviewStore(source);
    const { parcels, submissionIds } = selectParcels(source, review, options);
    const parcelCount = [...parcels.values()].reduce((n, ids) => n + ids.length, 0);
    if (parcelCount === 0) {
      throw new UserInputError('sync.nothing', `共享项目“${source.db.fileName}”中没有符合条件的报件地块，未创建会议副本。`, 'No parcels match; no copy was made.');
    }
    // The meeting's area: its parcels (or the box asked for), with a margin for the rules' buffers.
    let area: BBox | null = options.bbox ?? null;
    if (!area) {
      for (const [table, ids] of parcels) {
        for (const f of featuresById(source, table, ids)) {
          const box = f.geometry ? geometryEnvelope(f.geometry) : null;
          if (box) area = grow(area, box);
        }
      }
    }
    const margin: BBox | null = area ? [area[0] - MEETING_MARGIN_DEG, area[1] - MEETING_MARGIN_DEG, area[2] + MEETING_MARGIN_DEG, area[3] + MEETING_MARGIN_DEG] : null;
    const pulledAt = new Date().toISOString();
    const copyId = randomUUID();
    const provenance = (originalIds: Record<string, unknown>): PackageProvenance => ({ department: '共享项目', exportedAt: pulledAt, sourceProject: source.path, originalIds });
    const result: PullResult = { parcels: parcelCount, submissions: submissionIds.size, decisions: 0, layers: [] };

    createFileAtomically(laptopPath, (tmp) => {
      const title = `${source.info().title}（会议副本 ${pulledAt.slice(0, 10)}）`;
      const laptop = ProjectStore.create(tmp, { title });
      try {
        const laptopReview = new ReviewStore(laptop);
        laptop.transaction(() => {
          for (const layer of source.listLayers()) {
            let features: Iterable<StoredFeature>;
            if (layer.kind === 'parcel') {
              const ids = parcels.get(layer.table);
              if (!ids) continue;
              features = featuresById(source, layer.table, ids);
            } else {
              features = source.iterateFeatures(layer.table, margin ? { bbox: margin } : {});
            }
            const count = copyLayer(source, laptop, layer, features);
            result.layers.push({ table: layer.table, title: layer.title, kind: layer.kind, features: count });
          }
          for (const profile of source.listProjectProfiles()) laptop.saveProjectProfile(profile.id, profile.json, 'profile-import');
          const authority = source.getMeta('authority');
          laptop.documentNumbers.setSettings({ ...(authority ? { authority } : {}), pattern: source.documentNumbers.pattern() });

          const baseline: SyncBaselineRow[] = [];
          for (const [table, ids] of parcels) {
            // attributes only: the geometries were copied with the layer
            for (const f of featuresById(source, table, ids, false)) {
              const latest = review.latestCheck(table, f.id);
              if (latest) {
                const report: CheckReport = { profile: latest.profile, checkedAt: latest.checkedAt, parcels: [{ id: f.id, verdict: latest.verdict, findings: latest.findings }] } as unknown as CheckReport;
                laptop.recordCheck(report, { parcelTable: table, parcelsSource: `${source.path}#check-${latest.checkId}`, trigger: 'cli' });
              }
              const decisions = review.listDecisions(table, f.id);
              let previous: Decision | null = null;
              for (const d of decisions) {
                previous = laptopReview.signDecision(
                  { table, parcelId: d.parcelId, decision: d.decision, opinion: d.opinion, conditions: d.conditions, signature: d.signature, supersedes: previous?.id, revisionReason: previous ? d.revisionReason ?? '（共享项目中的修订）' : undefined },
                  { signedAt: d.signedAt, user: d.user, source: provenance({ syncDecisionId: d.id, revision: d.revision, contentHash: d.contentHash }) },
                );
                result.decisions++;
              }
              baseline.push({ parcelTable: table, parcelId: f.id, decisionId: decisions.at(-1)?.id ?? null, attributesHash: attributesHash(f.properties) });
            }
          }
          for (const s of review.registeredSubmissions().filter((r) => submissionIds.has(r.id))) {
            laptopReview.createSubmission({ parcelTable: s.parcelTable, parcelIds: s.parcelIds, title: s.title, applicant: s.applicant ?? undefined, receivedOn: s.receivedOn ?? undefined, profile: s.profile ?? undefined, source: provenance({ submissionId: s.id }) });
          }
          new SyncBaselineRepository(laptop.db).record(baseline);
          laptop.db.setMetaRaw(SYNC_META.source, source.path);
          laptop.db.setMetaRaw(SYNC_META.pulledAt, pulledAt);
          laptop.db.setMetaRaw(SYNC_META.copyId, copyId);
          const detail = { source: source.path, copy: basename(laptopPath), copyId, submissions: [...submissionIds], bbox: options.bbox ?? null, parcels: parcelCount, decisions: result.decisions, layers: result.layers };
          laptop.appendAudit({ action: 'sync-pull', at: pulledAt, detail });
          laptop.db.setMetaRaw(SYNC_META.pulledAuditSeq, String(laptop.listAudit().length));
        });
      } finally {
        laptop.close();
      }
    });
    // Who took which parcels offline is part of the shared project's record.
    source.appendAudit({ action: 'sync-pull', at: pulledAt, detail: { copy: basename(laptopPath), copyId, submissions: [...submissionIds], bbox: options.bbox ?? null, parcels: parcelCount, decisions: result.decisions } });
    return result;
  } finally {
    source.close();
  }
}

/** Brings the decisions and attribute edits made in the meeting copy at `laptopPath` back to `targetLocation`. */
export function pushMeetingCopy(laptopPath: string, targetLocation: string): PushResult {
  const laptop = ProjectStore.open(laptopPath);
  try {
    const copyId = laptop.getMeta(SYNC_META.copyId);
    const pulledFrom = laptop.getMeta(SYNC_META.source);
    if (!copyId || !pulledFrom) {
      throw new UserInputError('sync.not-a-copy', `“${basename(laptopPath)}”不是用 landgate sync pull 取得的会议副本，不能推送。`, `"${laptopPath}" is not a meeting copy made by sync pull.`);
    }
    const target = ProjectStore.open(targetLocation);
    try {
      if (pulledFrom !== target.path) {
        throw new UserInputError(
          'sync.other-project',
          `会议副本“${basename(laptopPath)}”取自“${pulledFrom}”，不是“${target.path}”，未推送任何内容。`,
          `The copy was pulled from "${pulledFrom}", not "${target.path}"; nothing was pushed.`,
        );
      }
      const baseline = new Map(new SyncBaselineRepository(laptop.db).list().map((r) => [keyOf(r.parcelTable, r.parcelId), r]));
      const laptopReview = new ReviewStore(laptop);
      const targetReview = new ReviewStore(target);
      const pushedAt = new Date().toISOString();
      const result: PushResult = { decisions: 0, alreadyPushed: 0, attributeEdits: 0, conflicts: [], skipped: [] };
      const alreadyPushed = new Set(
        targetReview
          .allDecisions()
          .filter((d) => d.source?.originalIds?.copyId === copyId)
          .map((d) => Number(d.source!.originalIds.copyDecisionId)),
      );
      const offline = laptopReview.allDecisions().filter((d) => d.source?.originalIds?.syncDecisionId === undefined);
      const pulledAuditSeq = Number(laptop.getMeta(SYNC_META.pulledAuditSeq) ?? '0');
      const offlineAudit = laptop.listAudit().filter((e) => e.seq > pulledAuditSeq && e.action !== 'sync-push');

      target.transaction(() => {
        for (const d of offline) {
          if (alreadyPushed.has(d.id)) {
            result.alreadyPushed++;
            continue;
          }
          const base = baseline.get(keyOf(d.table, d.parcelId));
          if (!base || target.findFeatureFid(d.table, d.parcelId) === null) {
            result.skipped.push(d.parcelId);
            continue;
          }
          const latest = targetReview.latestDecision(d.table, d.parcelId);
          const ownEarlier = latest?.source?.originalIds?.copyId === copyId;
          const conflict = !ownEarlier && (latest?.id ?? null) !== base.decisionId;
          let revisionReason: string | undefined;
          if (conflict && latest) {
            revisionReason = `离线会议签发（${d.signature.name}，${d.signature.date}）；会议期间共享项目中已另行签发第 ${latest.revision} 版（${latest.signature.name}，${latest.signature.date}），两版均保留，待复核`;
            result.conflicts.push({
              parcelTable: d.table,
              parcelId: d.parcelId,
              kind: 'decision',
              message: `地块“${d.parcelId}”在会议期间两处都作了审查决定：共享项目第 ${latest.revision} 版（${latest.signature.name}）与离线决定（${d.signature.name}）均已保留，离线决定为较新版本，待复核。`,
              messageEn: `Parcel "${d.parcelId}" was decided on both sides during the meeting: revision ${latest.revision} (${latest.signature.name}) and the offline decision (${d.signature.name}) are both kept; the offline one is the newer revision, to be reviewed.`,
            });
          } else if (latest) {
            revisionReason = d.revisionReason ?? `离线会议签发（${d.signature.name}，${d.signature.date}）`;
          }
          targetReview.signDecision(
            { table: d.table, parcelId: d.parcelId, decision: d.decision, opinion: d.opinion, conditions: d.conditions, signature: d.signature, supersedes: latest?.id, revisionReason },
            {
              signedAt: d.signedAt,
              source: {
                department: '离线会议',
                exportedAt: pushedAt,
                sourceProject: basename(laptopPath),
                originalIds: { copyId, copyDecisionId: d.id, offlineUser: d.user, offlineSignedAt: d.signedAt, ...(conflict && latest ? { conflictWith: latest.id } : {}) },
              },
            },
          );
          result.decisions++;
        }

        for (const base of baseline.values()) {
          const mine = laptop.featureById(base.parcelTable, base.parcelId, { geometry: false });
          if (!mine || attributesHash(mine.properties) === base.attributesHash) continue;
          const theirs = target.featureById(base.parcelTable, base.parcelId, { geometry: false });
          if (!theirs) {
            result.skipped.push(base.parcelId);
            continue;
          }
          if (attributesHash(theirs.properties) !== base.attributesHash) {
            if (attributesHash(theirs.properties) === attributesHash(mine.properties)) continue;
            result.conflicts.push({
              parcelTable: base.parcelTable,
              parcelId: base.parcelId,
              kind: 'attributes',
              message: `地块“${base.parcelId}”的属性在会议期间两处都有修改，共享项目中的属性未被覆盖；会议副本中的修改请复核后手工录入。`,
              messageEn: `The attributes of parcel "${base.parcelId}" were edited on both sides; the shared project's were not overwritten. Review the copy's edits and enter them by hand.`,
            });
            continue;
          }
          const changes: Record<string, unknown> = {};
          for (const key of new Set([...Object.keys(mine.properties), ...Object.keys(theirs.properties)])) {
            if (key === 'id') continue;
            if (JSON.stringify(mine.properties[key] ?? null) !== JSON.stringify(theirs.properties[key] ?? null)) changes[key] = mine.properties[key] ?? null;
          }
          if (Object.keys(changes).length === 0) continue;
          const before = target.updateFeatureAttributes(base.parcelTable, theirs.fid, changes);
          for (const [field, value] of Object.entries(changes)) {
            target.appendAudit({ action: PARCEL_ATTRIBUTE_AUDIT_ACTION, detail: { table: base.parcelTable, parcelId: base.parcelId, field, old: before[field] ?? null, new: value, source: { copyId, copy: basename(laptopPath) } } });
          }
          result.attributeEdits++;
        }
        target.appendAudit({
          action: 'sync-push',
          at: pushedAt,
          detail: {
            copy: basename(laptopPath),
            copyId,
            decisions: result.decisions,
            alreadyPushed: result.alreadyPushed,
            attributeEdits: result.attributeEdits,
            conflicts: result.conflicts,
            skipped: result.skipped,
            // who did what in the meeting, as the copy's own log recorded it
            offline: offlineAudit.map((e) => ({ seq: e.seq, at: e.at, user: e.user, action: e.action, detail: e.detail })),
          },
        });
      });
      laptop.appendAudit({ action: 'sync-push', at: pushedAt, detail: { target: target.path, decisions: result.decisions, alreadyPushed: result.alreadyPushed, attributeEdits: result.attributeEdits, conflicts: result.conflicts.length } });
      return result;
    } finally {
      target.close();
    }
  } finally {
    laptop.close();
  }
}
