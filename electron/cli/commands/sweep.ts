import { readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { zipSync } from 'fflate';
import { VERDICT_LABEL_ZH, type Verdict } from '../../../shared/model/check';
import { UserInputError } from '../../../shared/model/errors';
import { COVERAGE_ADMIN_RULE, COVERAGE_LAYER_MISSING_RULE, GEOMETRY_FAILED_RULE } from '../../../shared/rules/catalogue';
import { RULE_IDS } from '../../../shared/rules/profile';
import { ProjectStore } from '../../services/project-store';
import { requireOutPath, writeFileAtomically } from '../../services/reports/output';
import { SweepResults } from '../../services/store/sweep-results';
import { ruleTitleZh, validateSweepExport, writeSweepExport, type SweepExportFormat } from '../../services/sweep/sweep-export';
import { requireExistingProject } from './util';
import type { CommandSpec } from './types';

const FORMATS: Record<string, { format: SweepExportFormat; extensions: string[] }> = {
  xlsx: { format: 'xlsx', extensions: ['.xlsx'] },
  gpkg: { format: 'gpkg', extensions: ['.gpkg'] },
  shp: { format: 'shapefile', extensions: ['.zip', '.shp'] },
  shapefile: { format: 'shapefile', extensions: ['.zip', '.shp'] },
};

/** `--verdict` by code or by its Chinese term. */
function parseVerdict(value: unknown): Verdict | undefined {
  if (value === undefined) return undefined;
  const byLabel = Object.entries(VERDICT_LABEL_ZH).find(([, label]) => label === value)?.[0];
  const verdict = (byLabel ?? value) as Verdict;
  if (!(verdict in VERDICT_LABEL_ZH)) {
    throw new UserInputError('cli.verdict', `审查结论“${String(value)}”无效，可用：prohibited（不予准入）、conditional（有条件准入）、permitted（准予准入）。`, `Invalid --verdict "${String(value)}".`);
  }
  return verdict;
}

function parseRule(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const known: string[] = [...RULE_IDS, GEOMETRY_FAILED_RULE, COVERAGE_LAYER_MISSING_RULE, COVERAGE_ADMIN_RULE];
  if (typeof value !== 'string' || !known.includes(value)) {
    throw new UserInputError('cli.rule', `规则编号“${String(value)}”无效，可用：${known.join('、')}。`, `Unknown --rule "${String(value)}".`);
  }
  return value;
}

function parseSweepId(value: unknown, results: SweepResults): number {
  if (value === undefined) {
    const latest = results.latest();
    if (!latest) throw new UserInputError('sweep.none', '项目中尚无已完成的全部审查（landgate check <项目> --all --profile <配置>）。', 'The project has no completed sweep.');
    return latest.sweepId;
  }
  const id = Number(value);
  if (!/^\d+$/.test(String(value)) || !Number.isSafeInteger(id)) {
    throw new UserInputError('cli.sweep-id', `全部审查编号“${String(value)}”无效，应为正整数（见 landgate sweep list）。`, `Invalid --sweep "${String(value)}".`);
  }
  return id;
}

export const sweepCommand: CommandSpec = {
  usage:
    'landgate sweep list <project.gpkg> | landgate sweep export <project.gpkg> [--sweep <编号>] --format xlsx|gpkg|shp --out <file> [--verdict prohibited|conditional|permitted] [--rule <规则编号>]',
  summary:
    '全部审查结果：list 列出项目中已完成的全部审查（编号、时间、规则配置、各结论地块数）；export 导出某次（默认最近一次）全部审查的逐地块结果，可按结论或规则筛选：XLSX、GeoPackage（地块图层，含结论、规则和发现数）或 GBK 编码的 Shapefile（.zip 或 .shp，含 .cpg）。导出记入审计日志。',
  options: { sweep: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, verdict: { type: 'string' }, rule: { type: 'string' } },
  positionals: [2, 2],
  async run([action, projectPath], values, io) {
    if (action !== 'list' && action !== 'export') {
      throw new UserInputError('cli.sweep-action', `未知的操作“${action}”，可用：list、export。`, `Unknown sweep action "${action}" (list, export).`);
    }
    requireExistingProject(projectPath);
    if (action === 'list') {
      const store = ProjectStore.open(projectPath, { readonly: true });
      try {
        const sweeps = new SweepResults(store).list();
        if (sweeps.length === 0) io.out('项目中尚无已完成的全部审查。\n');
        for (const s of sweeps) {
          const v = s.verdicts;
          io.out(`#${s.sweepId}\t${s.checkedAt}\t${s.profile}${s.profileVersion ? `（版本 ${s.profileVersion}）` : ''}\t${s.parcelCount} 个地块\t不予准入 ${v.prohibited}\t有条件准入 ${v.conditional}\t准予准入 ${v.permitted}\n`);
        }
      } finally {
        store.close();
      }
      return;
    }
    const formatName = values.format;
    const format = typeof formatName === 'string' ? FORMATS[formatName.toLowerCase()] : undefined;
    if (!format) {
      throw new UserInputError('cli.format', `缺少或无效的导出格式 --format “${String(formatName ?? '')}”，可用：xlsx、gpkg、shp。`, `Missing or invalid --format "${String(formatName ?? '')}" (xlsx, gpkg, shp).`);
    }
    const out = requireOutPath(values.out, format.extensions);
    const verdict = parseVerdict(values.verdict);
    const ruleId = parseRule(values.rule);
    const store = ProjectStore.open(projectPath);
    try {
      const results = new SweepResults(store);
      const request = validateSweepExport(store, { sweepId: parseSweepId(values.sweep, results), format: format.format, verdict, ruleId });
      let rows: number;
      if (format.format === 'shapefile' && out.toLowerCase().endsWith('.zip')) {
        // The set is built beside the zip and removed after zipping; ASCII names inside the zip.
        const shp = join(dirname(out), `.landgate_sweep_${request.sweepId}_${process.pid}.shp`);
        const written = await writeSweepExport(store, request, shp, { recordAs: basename(out) });
        try {
          const inner = `landgate_sweep_${request.sweepId}`;
          writeFileAtomically(out, zipSync(Object.fromEntries(written.files.map((f) => [`${inner}${f.slice(f.lastIndexOf('.'))}`, new Uint8Array(readFileSync(f))]))));
        } finally {
          for (const f of written.files) rmSync(f, { force: true });
        }
        rows = written.rows;
      } else {
        rows = (await writeSweepExport(store, request, out)).rows;
      }
      const filter = [verdict ? VERDICT_LABEL_ZH[verdict] : '', ruleId ? ruleTitleZh(ruleId) : ''].filter(Boolean).join('、');
      io.err(`已导出全部审查 #${request.sweepId} 的 ${rows} 个地块${filter ? `（筛选：${filter}）` : ''}到 ${out}。\n`);
    } finally {
      store.close();
    }
  },
};
