/**
 * The band tracer (terrain/band-tracer.ts): bands traced on a worker thread while the DEM is
 * stored are the bands traced on the importing thread, the DEM tiles it encodes are the tiles the
 * importing thread encodes, the census split between the two threads counts what one census counts,
 * and the tiles' ranges that let the builder skip tiles change no band.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Feature, MultiPolygon } from 'geojson';
import { ProjectStore } from '../../electron/services/project-store';
import { buildBandsLayer } from '../../electron/services/terrain/bands-service';
import { startBandTracer } from '../../electron/services/terrain/band-tracer';
import { openDem } from '../../electron/services/terrain/dem-source';
import { ValueCensus, type CensusCounts } from '../../electron/services/terrain/dem-plausibility';
import { BandBuilder } from '../../shared/terrain/bands';
import { bandFeatureCollection } from '../../shared/terrain/band-features';
import { sharedData } from '../support/cli';
import { makeBenchDem } from '../../bench/bands.bench';

const GMTED = join(sharedData, 'dem', 'gmted2010_lowres_shanxi_S_110.4-113.3E_34.9-37.4N.tif');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-band-tracer-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The DEM's strips, with a few cells made implausible and a few blank, as a census must see them. */
async function strips(): Promise<{ info: Awaited<ReturnType<typeof openDem>>; strips: { rows: Float32Array; count: number }[] }> {
  const source = await openDem([GMTED]);
  const out: { rows: Float32Array; count: number }[] = [];
  for (let row0 = 0; row0 < source.rows; row0 += 16) {
    const count = Math.min(16, source.rows - row0);
    const rows = await source.readRows(row0, count);
    for (let i = 7; i < rows.length; i += 9973) rows[i] = i % 2 ? 12_000 : NaN;
    out.push({ rows, count });
  }
  await source.close();
  return { info: source, strips: out };
}

function projectRows(path: string) {
  const store = ProjectStore.open(path, { readonly: true });
  let bands;
  try {
    bands = { bands: store.readFeatures('elevation_bands').features, layers: store.listLayers().map((l) => [l.table, l.featureCount]) };
  } finally {
    store.close();
  }
  // the stored DEM: every tile's bytes and statistics, and what the project says of it
  const db = new Database(path, { readonly: true });
  try {
    const { importedAt: _at, ...dem } = JSON.parse((db.prepare("SELECT value FROM landgate_meta WHERE key = 'dem'").get() as { value: string }).value);
    return {
      ...bands,
      dem,
      tiles: db.prepare('SELECT t.tile_column, t.tile_row, hex(t.tile_data) AS png, a.scale, a.offset, a.min, a.max, a.mean, a.std_dev FROM landgate_dem t JOIN gpkg_2d_gridded_tile_ancillary a ON a.tpudt_name = ? AND a.tpudt_id = t.id ORDER BY t.tile_row, t.tile_column').all('landgate_dem'),
    };
  } finally {
    db.close();
  }
}

describe('band tracer', { timeout: 120_000 }, () => {
  it('traces the same bands on a worker thread as on the caller’s, whichever strips the caller surveys, and the bands of the rows without their tiles’ ranges', async () => {
    const { info, strips: data } = await strips();
    // the caller surveys every strip, none, or every third (as it does when the tracer falls behind)
    const runs = [['inline', () => true], ['worker', () => true], ['worker', () => false], ['worker', (k: number) => k % 3 === 0]] as const;
    const traced: { features: Feature<MultiPolygon>[]; census: CensusCounts; suspicions: unknown[] }[] = [];
    for (const [thread, surveysHere] of runs) {
      const census = new ValueCensus(info);
      const tracer = startBandTracer(info, { levels: [400, 900], thread });
      try {
        let row0 = 0;
        for (const [k, { rows, count }] of data.entries()) {
          const own = rows.slice();
          await tracer.push(own, count, surveysHere(k) ? census.survey(own, row0, count) : undefined);
          row0 += count;
        }
        const result = await tracer.finish();
        census.add(result.census);
        traced.push({ features: result.features, census: census.counts(), suspicions: census.suspicions() });
      } finally {
        await tracer.close();
      }
    }
    expect(traced[0].census.outOfRange).toBeGreaterThan(0);
    // the rows' slopes are added up in another order when two censuses share them (GMTED is in
    // degrees: each row has its own run, so the sums differ in the last bits)
    const exactly = ({ census: { slopeSum, ...counts }, ...rest }: (typeof traced)[number]) => ({ ...rest, counts, slopeSum: slopeSum.toPrecision(12) });
    for (const other of traced.slice(1)) expect(exactly(other)).toEqual(exactly(traced[0]));
    // one census over the same rows, in order; the band builder over them row by row, without ranges
    const whole = new ValueCensus(info);
    const builder = new BandBuilder(info.cols, [400, 900]);
    let row0 = 0;
    for (const { rows, count } of data) {
      const own = rows.slice();
      whole.survey(own, row0, count);
      row0 += count;
      for (let r = 0; r < count; r++) builder.pushRow(own.subarray(r * info.cols, (r + 1) * info.cols));
    }
    expect(traced[0].census).toEqual(whole.counts());
    expect(traced[0].features).toEqual(bandFeatureCollection(builder.finish(), info));
    expect(traced[0].features.map((f) => f.properties?.belowM)).toEqual([400, 900]);
  });

  it('a tracer given up part-way ends without waiting for the rest', async () => {
    const { info, strips: data } = await strips();
    const tracer = startBandTracer(info, { levels: [400, 900], thread: 'worker' });
    const push = ({ rows, count }: { rows: Float32Array; count: number }) => tracer.push(rows.slice(), count);
    expect(data.length).toBeGreaterThan(2);
    for (const strip of data.slice(0, 2)) await push(strip);
    await tracer.close();
    await expect(push(data[2])).rejects.toThrow();
  });

  it('`bands --dem` stores the same DEM and bands whichever thread traces them', async () => {
    // GMTED (one tile), and 700 × 700 cells of synthetic terrain: 3 × 3 tiles, the last row and column short
    const synthetic = makeBenchDem(700, dir);
    for (const [file, tiles] of [[GMTED, 1], [synthetic, 9]] as const) {
      const results = [];
      for (const thread of ['inline', 'worker'] as const) {
        const path = join(dir, `${thread}-${tiles}.gpkg`);
        ProjectStore.create(path, { title: thread }).close();
        const result = await buildBandsLayer(path, { files: [file], levels: [400, 900], tracerThread: thread });
        results.push({ features: result.features, nodata: result.nodataCells, warnings: result.warnings, stored: projectRows(path) });
      }
      // the worker encoded the tiles the inline path encodes on the importing thread: the same bytes
      expect(results[1]).toEqual(results[0]);
      expect(results[0].stored.bands).toHaveLength(2);
      expect(results[0].stored.tiles).toHaveLength(tiles);
      expect(results[0].stored.dem.nodataCells).toBe(results[0].nodata);
      expect(results[0].stored.dem.maxM).toBeGreaterThan(900);
    }
  });
});
