import { importFile, progressTextZh, type ImportHooks } from '../../services/import-file';
import { ProjectStore } from '../../services/project-store';
import { crsLabelZh } from '../../../shared/crs';
import { formatAreaZh } from '../../../shared/format/units';
import { importNoteZh } from '../../../shared/importers/messages';
import { UserInputError } from '../../../shared/model/errors';
import { parseKind, requireExistingProject } from './util';
import type { CommandSpec } from './types';

export const importCommand: CommandSpec = {
  usage:
    'landgate import <project.gpkg> <file> [<sibling files>…] --kind <kind> [--name <table>] [--crs EPSG:n|GCJ02|BD09] [--towgs84 dx,dy,dz[,rx,ry,rz,s]] [--encoding gbk|utf-8|…] [--layer <name>] [--title <名称>] [--field <源字段>=<标准键>]… [--progress]',
  summary:
    '把数据文件（Shapefile/.zip、GeoJSON 等）导入为项目图层；整个导入为一个事务，失败时项目不变。坐标系只是推测时（无 .prj）须用 --crs 确认；西安 1980/北京 1954 须用 --towgs84 给出转换参数。字段名按别名表自动对应到标准键（如 DKBH→id、GHYT→plannedUse），--field 可逐个指定（如 --field 宗地号=id；--field DKBH= 表示保持原样）。逐要素进度写到 stderr（终端上自动显示，否则加 --progress）。',
  options: {
    kind: { type: 'string' },
    name: { type: 'string' },
    crs: { type: 'string' },
    towgs84: { type: 'string' },
    encoding: { type: 'string' },
    layer: { type: 'string' },
    title: { type: 'string' },
    field: { type: 'string', multiple: true },
    progress: { type: 'boolean' },
  },
  positionals: [2, 8],
  async run([projectPath, ...files], values, io) {
    requireExistingProject(projectPath);
    const kind = parseKind(values.kind);
    const store = ProjectStore.open(projectPath);
    try {
      const progress = progressHooks(values.progress === true, io);
      let layer: ReturnType<typeof importFile>;
      try {
        layer = importFile(
          store,
          files,
          {
            kind,
            table: values.name as string | undefined,
            crs: values.crs as string | undefined,
            towgs84: values.towgs84 as string | undefined,
            encoding: values.encoding as string | undefined,
            layer: values.layer as string | undefined,
            title: values.title as string | undefined,
            fieldMap: parseFieldMap(values.field),
          },
          progress.hooks,
        );
      } finally {
        progress.end();
      }
      // the CLI speaks Chinese: the notes' codes are rendered with the Chinese catalogue
      for (const warning of layer.warnings) io.err(`注意：${importNoteZh(warning)}\n`);
      const encoding = layer.encoding ? `，编码 ${layer.encoding.toUpperCase()}` : '';
      io.out(`已导入 ${layer.featureCount} 个要素到图层 ${layer.table}（${kind}，${layer.format}${encoding}，原坐标系 ${crsLabelZh(layer.originalCrs)}）。\n`);
      if (layer.areas.geodesicM2 > 0) {
        io.out(`面积合计：椭球面积 ${formatAreaZh(layer.areas.geodesicM2)}（CGCS2000 椭球）`);
        if (layer.areas.planarM2 !== undefined) io.out(`；${layer.areas.planarCrs} 平面面积 ${formatAreaZh(layer.areas.planarM2)}`);
        io.out('。\n');
      }
    } finally {
      store.close();
    }
  },
};

/** `--field 源字段=标准键` (repeatable) → the explicit field mapping; `源字段=` keeps the field as it is. */
function parseFieldMap(value: unknown): Record<string, string> | undefined {
  const items = Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];
  if (items.length === 0) return undefined;
  const map: Record<string, string> = {};
  for (const item of items) {
    const at = item.lastIndexOf('=');
    const field = at > 0 ? item.slice(0, at).trim() : '';
    if (field === '') {
      throw new UserInputError('cli.field-map', `--field 的格式应为 源字段=标准键，例如 --field DKBH=id；收到“${item}”。`, `--field expects source=key, e.g. --field DKBH=id; got "${item}".`);
    }
    map[field] = item.slice(at + 1).trim();
  }
  return map;
}

/**
 * Per-feature progress on stderr, only on a terminal (redrawn line) or with --progress (then one
 * line per 10 %, so logs stay short); stdout is never touched, scripts parse it.
 */
function progressHooks(requested: boolean, io: { err(text: string): void }): { hooks: ImportHooks; end(): void } {
  const tty = process.stderr.isTTY === true;
  if (!tty && !requested) return { hooks: {}, end() {} };
  let lastDecile = -1;
  /** A redrawn line is on the terminal without its newline yet. */
  let open = false;
  return {
    hooks: {
      onProgress({ done, total }) {
        const pct = total ? Math.floor((done / total) * 100) : null;
        const text = `导入进度：${progressTextZh(done, total)}${pct === null ? '' : `（${pct}%）`}`;
        if (tty) {
          io.err(`\r${text}   `);
          open = true;
          return;
        }
        const decile = pct === null ? lastDecile + 1 : Math.floor(pct / 10);
        if (decile > lastDecile) {
          lastDecile = decile;
          io.err(`${text}\n`);
        }
      },
    },
    end() {
      // ends the redrawn line before warnings or an error message follow
      if (open) io.err('\n');
      open = false;
    },
  };
}
