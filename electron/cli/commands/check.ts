import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { formatCheckReportText, stripGeometry } from '../../../shared/format/check-report';
import type { CheckReport } from '../../../shared/model/check';
import { UserInputError } from '../../../shared/model/errors';
import { buildReferenceIndex, checkParcels } from '../../../shared/rules/engine';
import { readParcelLayer, readReferenceLayers } from '../../services/api-service';
import { readParcelsFile } from '../../services/import-file';
import { getProfile } from '../../services/profiles';
import { ProjectStore } from '../../services/project-store';
import { requireExistingProject, writeOutput } from './util';
import type { CommandSpec } from './types';

export const checkCommand: CommandSpec = {
  usage: 'landgate check <project.gpkg> [<parcels-file>|<parcel-table>] --profile <id> [--all] [--format json|text] [--out <file>] [--with-geometry]',
  summary: '按审查规则配置审查地块：来自文件（GeoJSON）、项目中的报件图层，或 --all 审查项目全部报件地块；结果写入项目审查记录。',
  options: {
    profile: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    all: { type: 'boolean' },
    'with-geometry': { type: 'boolean' },
  },
  positionals: [1, 2],
  async run([projectPath, parcelsArg], values, io) {
    requireExistingProject(projectPath);
    const format = (values.format as string | undefined) ?? 'json';
    if (format !== 'json' && format !== 'text') {
      throw new UserInputError('cli.format', `输出格式“${format}”无效，可用：json、text。`, `Invalid --format "${format}".`);
    }
    if (typeof values.profile !== 'string') {
      throw new UserInputError('cli.profile-missing', '缺少 --profile（审查规则配置），例如 --profile xiaxian。', 'Missing --profile.');
    }
    if (!parcelsArg && !values.all) {
      throw new UserInputError('cli.parcels-missing', '请给出地块文件或报件图层名，或使用 --all 审查项目中的全部报件地块。', 'Give a parcels file or table, or --all.');
    }
    if (parcelsArg && values.all) {
      throw new UserInputError('cli.parcels-both', '--all 与地块文件不能同时使用。', '--all and a parcels file are mutually exclusive.');
    }
    const profile = getProfile(values.profile);
    const store = ProjectStore.open(projectPath);
    try {
      const batches: { parcels: Feature<Polygon | MultiPolygon>[]; table: string | null; source: string }[] = [];
      if (values.all) {
        for (const layer of store.listLayers().filter((l) => l.kind === 'parcel')) {
          batches.push({ parcels: readParcelLayer(store, layer.table), table: layer.table, source: `${projectPath}#${layer.table}` });
        }
        if (batches.length === 0) throw new UserInputError('cli.no-parcels', `项目“${projectPath}”中没有报件地块图层。`, `Project "${projectPath}" has no parcel layer.`);
      } else if (existsSync(parcelsArg)) {
        batches.push({ parcels: readParcelsFile(parcelsArg), table: null, source: resolve(parcelsArg) });
      } else if (store.listLayers().some((l) => l.table === parcelsArg)) {
        batches.push({ parcels: readParcelLayer(store, parcelsArg), table: parcelsArg, source: `${projectPath}#${parcelsArg}` });
      } else {
        throw new UserInputError('cli.parcels-not-found', `找不到地块文件或报件图层“${parcelsArg}”。`, `No parcels file or layer "${parcelsArg}".`);
      }
      const index = buildReferenceIndex(readReferenceLayers(store));
      const checkedAt = new Date();
      const reports = batches.map((batch) => ({ batch, report: checkParcels(index, batch.parcels, profile, { checkedAt, includeGeometry: !!values['with-geometry'] }) }));
      const merged: CheckReport = { ...reports[0].report, parcels: reports.flatMap((r) => r.report.parcels) };
      const text = format === 'json' ? `${JSON.stringify(values['with-geometry'] ? merged : stripGeometry(merged), null, 2)}\n` : formatCheckReportText(merged);
      writeOutput(text, values.out as string | undefined, io);
      // The query record (沁政办发〔2021〕19号 土壤 9) is written only after the output succeeded.
      store.transaction(() => {
        for (const { batch, report } of reports) store.recordCheck(report, { parcelTable: batch.table, parcelsSource: batch.source, trigger: 'cli' });
      });
      if (values.out) io.err(`已审查 ${merged.parcels.length} 个地块，结果写入 ${values.out}。\n`);
    } finally {
      store.close();
    }
  },
};
