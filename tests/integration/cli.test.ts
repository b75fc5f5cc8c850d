/**
 * The `landgate` command as a user runs it: real processes, real files, exit codes, Chinese
 * messages, and nothing written on bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractProblems } from '../support/check-contract';
import { landgate, ogrLayers, sha256 } from '../support/cli';

let dir: string;
let demo: string;

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-cli-'));
  demo = join(dir, 'demo.gpkg');
  const result = landgate(['demo', demo]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('landgate usage', () => {
  it('prints usage and exits 2 without a command', () => {
    const result = landgate([]);
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('landgate check');
  });

  it('answers --help and `help <command>` for one command with its usage, exit 0', () => {
    for (const args of [['check', '--help'], ['help', 'check'], ['package', 'export', '-h']]) {
      const result = landgate(args);
      expect(result.status, args.join(' ')).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^用法：landgate ${args[0] === 'help' ? args[1] : args[0]} `));
      expect(result.stderr).toBe('');
    }
  });

  it('refuses an unknown command in Chinese with an English log line', () => {
    const result = landgate(['frobnicate']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/未知命令“frobnicate”/);
    expect(result.stderr).toMatch(/^error: Unknown command/m);
    noStackTrace(result.stderr);
  });

  it('refuses unknown options', () => {
    const result = landgate(['init', join(dir, 'x.gpkg'), '--colour', 'red']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('命令参数有误');
    expect(existsSync(join(dir, 'x.gpkg'))).toBe(false);
  });
});

describe('landgate demo', () => {
  it('writes a GeoPackage that GDAL lists with ≥ 10 layers, all with features', () => {
    const layers = ogrLayers(demo);
    expect(layers.size).toBeGreaterThanOrEqual(10);
    const featureLayers = [...layers.values()].filter((l) => l.geometry !== 'None');
    expect(featureLayers.length).toBeGreaterThanOrEqual(10);
    for (const layer of featureLayers) expect(layer.featureCount).toBeGreaterThan(0);
  });

  it('never overwrites an existing file', () => {
    const before = sha256(demo);
    const result = landgate(['demo', demo]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('已存在');
    expect(sha256(demo)).toBe(before);
  });

  it('leaves no temporary files behind', () => {
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});

describe('landgate init and import', () => {
  it('creates an empty project, imports GeoJSON, and GDAL sees the layer', () => {
    const project = join(dir, 'empty.gpkg');
    expect(landgate(['init', project, '--title', '测试项目']).status).toBe(0);
    const zones = join(dir, 'zones.geojson');
    writeFileSync(
      zones,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { 编号: 'SY-01', 级别: '一级', 水源地名称: '测试水源地' },
            geometry: { type: 'Polygon', coordinates: [[[111.2, 35.1], [111.201, 35.1], [111.201, 35.101], [111.2, 35.101], [111.2, 35.1]]] },
          },
        ],
      }),
    );
    const result = landgate(['import', project, zones, '--kind', 'water-source-zone', '--name', 'zones']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(ogrLayers(project).get('zones')).toEqual({ featureCount: 1, geometry: 'Multi Polygon' });
  });

  it('refuses a broken file with a message naming it, and leaves the project byte-for-byte unchanged', () => {
    const before = sha256(demo);
    const broken = join(dir, '坏文件.geojson');
    writeFileSync(broken, '{"type": "FeatureCollection", "features": [');
    const result = landgate(['import', demo, broken, '--kind', 'suspect-parcel']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('坏文件.geojson');
    expect(result.stderr).toMatch(/^error: /m);
    noStackTrace(result.stderr);
    expect(sha256(demo)).toBe(before);
  });

  it('refuses an unknown kind and a missing project', () => {
    const r1 = landgate(['import', demo, 'x.geojson', '--kind', 'lake']);
    expect(r1.status).toBe(2);
    expect(r1.stderr).toContain('--kind');
    const r2 = landgate(['import', join(dir, 'nope.gpkg'), 'x.geojson', '--kind', 'river']);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toContain('nope.gpkg');
  });
});

describe('landgate check', () => {
  it('checks the demo parcels and prints JSON per the rules.md §5 contract', () => {
    const result = landgate(['check', demo, 'parcels', '--profile', 'xiaxian']);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(contractProblems(report)).toEqual([]);
    expect(report.profile).toBe('xiaxian');
    expect(report.parcels.length).toBeGreaterThanOrEqual(25);
    const verdicts = new Set(report.parcels.map((p: any) => p.verdict));
    expect(verdicts).toEqual(new Set(['permitted', 'conditional', 'prohibited']));
    // Geometry for drawing stays out of the CLI JSON unless asked for.
    expect(result.stdout).not.toContain('"geometry"');
  });

  it('--all sweeps every parcel layer and --out writes the file', () => {
    const out = join(dir, 'sweep.json');
    const result = landgate(['check', demo, '--all', '--profile', 'shanxi-baseline', '--out', out]);
    expect(result.status).toBe(0);
    expect(contractProblems(JSON.parse(readFileSync(out, 'utf8')))).toEqual([]);
  });

  it('prints a readable Chinese text report', () => {
    const result = landgate(['check', demo, 'parcels', '--profile', 'xiaxian', '--format', 'text']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/不予准入/);
    expect(result.stdout).toMatch(/依据：/);
  });

  it('refuses an unknown profile or an unwritable --out without writing anything', () => {
    const before = sha256(demo);
    const r1 = landgate(['check', demo, 'parcels', '--profile', 'atlantis']);
    expect(r1.status).toBe(2);
    expect(r1.stderr).toContain('atlantis');
    const out = join(dir, 'no-such-dir', 'out.json');
    const r2 = landgate(['check', demo, 'parcels', '--profile', 'xiaxian', '--out', out]);
    expect(r2.status).toBe(2);
    expect(existsSync(out)).toBe(false);
    expect(sha256(demo)).toBe(before);
  });

  it('checks parcels from a GeoJSON file', () => {
    const parcels = join(dir, 'parcels.geojson');
    writeFileSync(
      parcels,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { 地块编号: 'T-1', 规划用途: '0701', 现状用途: '0601', 拟办事项: '出让' },
            geometry: { type: 'Polygon', coordinates: [[[111.30, 35.15], [111.301, 35.15], [111.301, 35.151], [111.30, 35.151], [111.30, 35.15]]] },
          },
        ],
      }),
    );
    const result = landgate(['check', demo, parcels, '--profile', 'xiaxian']);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(contractProblems(report)).toEqual([]);
    expect(report.parcels[0].id).toBe('T-1');
    // A change to residential use without a passed soil survey must be flagged.
    expect(report.parcels[0].findings.map((f: any) => f.rule)).toContain('soil.survey-required');
  });
});
