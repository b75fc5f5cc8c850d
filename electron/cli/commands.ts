/**
 * The commands of `landgate`. Each command validates its input fully before writing anything; files
 * it creates are written to a temporary name and renamed into place only on success, so a failed
 * command leaves nothing behind.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { formatCheckReportText, stripGeometry } from '../../shared/format/check-report';
import type { CheckReport } from '../../shared/model/check';
import { UserInputError } from '../../shared/model/errors';
import { isLayerKind, LAYER_KINDS, type LayerKind } from '../../shared/model/layers';
import { buildReferenceIndex, checkParcels } from '../../shared/rules/engine';
import { createApiService, readParcelLayer, readReferenceLayers } from '../services/api-service';
import { appRoot } from '../services/app-root';
import { generateDemoProject } from '../services/demo';
import { importFile, readParcelsFile } from '../services/import-file';
import { getProfile } from '../services/profiles';
import { ProjectStore } from '../services/project-store';
import { startHost } from '../host/server';

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;
type Values = Record<string, string | boolean | undefined>;

export interface CommandSpec {
  usage: string;
  summary: string;
  options: OptionSpec;
  /** Allowed number of positional arguments, [min, max]. */
  positionals: [number, number];
  run(positionals: string[], values: Values, io: CommandIo): Promise<number | void>;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function requireGpkgName(path: string) {
  if (!path.toLowerCase().endsWith('.gpkg')) {
    throw new UserInputError('cli.project-extension', `项目文件“${path}”的扩展名应为 .gpkg。`, `Project file "${path}" must end in .gpkg.`);
  }
}

function requireNewFile(path: string) {
  if (existsSync(path)) {
    throw new UserInputError('cli.file-exists', `文件“${path}”已存在，未做任何修改。请换一个文件名或先删除它。`, `File "${path}" already exists; nothing was changed.`);
  }
  if (!existsSync(dirname(resolve(path)))) {
    throw new UserInputError('cli.dir-missing', `目录“${dirname(resolve(path))}”不存在。`, `Directory "${dirname(resolve(path))}" does not exist.`);
  }
}

function requireExistingProject(path: string) {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new UserInputError('cli.project-missing', `项目文件“${path}”不存在。可用 landgate init 或 landgate demo 创建。`, `Project file "${path}" does not exist.`);
  }
}

/** Builds a file under a temporary name beside the target and renames it into place on success. */
function createAtomically(target: string, build: (tmpPath: string) => void) {
  const tmp = join(dirname(resolve(target)), `.${basename(target)}.${process.pid}.tmp`);
  const cleanup = () => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(tmp + suffix, { force: true });
  };
  try {
    build(tmp);
    renameSync(tmp, target);
  } finally {
    cleanup();
  }
}

function writeOutput(text: string, outPath: string | undefined, io: CommandIo) {
  if (!outPath) {
    io.out(text);
    return;
  }
  const dir = dirname(resolve(outPath));
  if (!existsSync(dir)) throw new UserInputError('cli.dir-missing', `输出目录“${dir}”不存在。`, `Output directory "${dir}" does not exist.`);
  const tmp = join(dir, `.${basename(outPath)}.${process.pid}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, outPath);
}

function parseKind(value: string | boolean | undefined): LayerKind {
  if (typeof value !== 'string' || !isLayerKind(value)) {
    throw new UserInputError(
      'cli.kind',
      `缺少或无效的图层类型 --kind “${value ?? ''}”。可用：${LAYER_KINDS.join('、')}。`,
      `Missing or invalid --kind "${value ?? ''}". Known: ${LAYER_KINDS.join(', ')}.`,
    );
  }
  return value;
}

function parsePort(value: string | boolean | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UserInputError('cli.port', `端口“${value}”无效，应为 0–65535 的整数（0 表示自动选择）。`, `Invalid port "${value}".`);
  }
  return port;
}

// ---------------------------------------------------------------------------------------------
// Commands

export const COMMANDS: Record<string, CommandSpec> = {
  demo: {
    usage: 'landgate demo <project.gpkg>',
    summary: '生成示例项目（示例数据，合成的示例县，含全部图层类型和约 30 个报件地块）。',
    options: {},
    positionals: [1, 1],
    async run([target], _values, io) {
      requireGpkgName(target);
      requireNewFile(target);
      createAtomically(target, (tmp) => generateDemoProject(tmp));
      const store = ProjectStore.open(target, { readonly: true });
      try {
        const layers = store.listLayers();
        io.out(`已生成示例项目 ${target}：${layers.length} 个图层，${layers.reduce((n, l) => n + l.featureCount, 0)} 个要素。\n`);
      } finally {
        store.close();
      }
    },
  },

  init: {
    usage: 'landgate init <project.gpkg> [--title <名称>]',
    summary: '新建空项目（GeoPackage 文件）。',
    options: { title: { type: 'string' } },
    positionals: [1, 1],
    async run([target], values, io) {
      requireGpkgName(target);
      requireNewFile(target);
      const title = typeof values.title === 'string' ? values.title : basename(target, '.gpkg');
      createAtomically(target, (tmp) => ProjectStore.create(tmp, { title }).close());
      io.out(`已新建项目 ${target}。\n`);
    },
  },

  import: {
    usage: 'landgate import <project.gpkg> <file> --kind <kind> [--name <table>] [--crs EPSG:n] [--title <名称>]',
    summary: '把数据文件导入为项目图层（当前支持 GeoJSON）；整个导入为一个事务，失败时项目不变。',
    options: { kind: { type: 'string' }, name: { type: 'string' }, crs: { type: 'string' }, title: { type: 'string' } },
    positionals: [2, 2],
    async run([projectPath, file], values, io) {
      requireExistingProject(projectPath);
      const kind = parseKind(values.kind);
      const store = ProjectStore.open(projectPath);
      try {
        const layer = importFile(store, file, {
          kind,
          table: values.name as string | undefined,
          crs: values.crs as string | undefined,
          title: values.title as string | undefined,
        });
        io.out(`已导入 ${layer.featureCount} 个要素到图层 ${layer.table}（${kind}，原坐标系 ${layer.originalCrs}）。\n`);
      } finally {
        store.close();
      }
    },
  },

  check: {
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
  },

  serve: {
    usage: 'landgate serve <project.gpkg> [--port <n>]',
    summary: '浏览器模式：在 127.0.0.1 上提供与桌面应用相同的界面和接口，并打印网址。',
    options: { port: { type: 'string' } },
    positionals: [1, 1],
    async run([projectPath], values, io) {
      requireExistingProject(projectPath);
      const port = parsePort(values.port);
      const rendererDir = join(appRoot(), 'dist', 'renderer');
      if (!existsSync(join(rendererDir, 'index.html'))) {
        throw new UserInputError('serve.not-built', `界面尚未构建（缺少 ${rendererDir}/index.html），请先运行 npm run build。`, `Renderer not built: run npm run build.`);
      }
      mkdirSync(rendererDir, { recursive: true });
      const api = createApiService(projectPath);
      const host = await startHost({ api, rendererDir, port, log: (line) => io.err(`${line}\n`) });
      io.out(`LandGate 浏览器模式已启动：${host.url}\n项目：${resolve(projectPath)}\n按 Ctrl+C 退出。\n`);
      await new Promise<void>((resolveStop) => {
        const stop = () => resolveStop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await host.close();
      api.close();
    },
  },
};
