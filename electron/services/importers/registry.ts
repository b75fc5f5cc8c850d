/**
 * The importer registry (Node side, so it may also hold Node-only modules such as GeoPackage
 * reading). Adding a format = write a FormatModule (shared/importers/types.ts; pure ones live in
 * shared/importers/) and add it to FORMAT_MODULES below. Order matters: the first module whose
 * `sniff` accepts the files wins, so put specific sniffers before generic ones.
 */
import { geojsonFormat } from '../../../shared/importers/geojson';
import { shapefileFormat } from '../../../shared/importers/shapefile';
import { boundaryTxtModule } from '../../../shared/importers/boundary-txt';
import { kmlModule } from '../../../shared/importers/kml';
import { csvModule } from '../../../shared/importers/csv';
import { xlsxModule } from './xlsx';
import { gpkgModule } from './gpkg';
import type { FormatModule, ParsedSource, ParseOptions, SourceFile } from '../../../shared/importers/types';
import type { LayerKind } from '../../../shared/model/layers';
import { UserInputError } from '../../../shared/model/errors';

export const FORMAT_MODULES: FormatModule[] = [
  shapefileFormat,
  // part B: boundary-txt, kml/kmz, csv, xlsx, gpkg go here
  boundaryTxtModule,
  kmlModule,
  csvModule,
  xlsxModule,
  gpkgModule,
  geojsonFormat,
];

/** Extensions we know but cannot read, for a precise refusal. */
const UNSUPPORTED: Record<string, string> = {
  '.dwg': 'DWG（AutoCAD 图形）',
  '.dxf': 'DXF（AutoCAD 交换格式）',
  '.mdb': 'Personal Geodatabase（.mdb）',
  '.gdb': 'File Geodatabase（.gdb）',
  '.tab': 'MapInfo TAB',
  '.mif': 'MapInfo MIF',
  '.e00': 'ArcInfo E00',
  '.tif': 'GeoTIFF 栅格',
  '.tiff': 'GeoTIFF 栅格',
  '.xls': 'Excel 97–2003（.xls，请另存为 .xlsx）',
  '.dbf': '单独的 DBF 属性表（缺少 .shp 几何文件）',
  '.shx': 'Shapefile 索引文件（请选择 .shp 文件）',
  '.prj': '坐标系说明文件（请选择 .shp 文件）',
  '.cpg': '编码说明文件（请选择 .shp 文件）',
};

function extOf(name: string): string {
  const m = /\.[^./\\]+$/.exec(name);
  return m ? m[0].toLowerCase() : '';
}

/** The module that reads these files; throws a zh UserInputError naming the file otherwise. */
export function detectFormat(files: SourceFile[]): FormatModule {
  if (files.length === 0) throw new UserInputError('import.no-files', '没有选择要导入的文件。', 'No files to import.');
  const module = FORMAT_MODULES.find((m) => m.sniff(files));
  if (module) return module;
  const main = files[0];
  const known = UNSUPPORTED[extOf(main.name)];
  if (known) {
    throw new UserInputError('import.unsupported-format', `文件“${main.name}”是 ${known}，LandGate 不能导入这种格式。`, `"${main.name}": ${known} is not supported.`);
  }
  throw new UserInputError(
    'import.unsupported-format',
    `无法识别文件“${main.name}”的格式。支持：${FORMAT_MODULES.map((m) => m.format).join('、')}。`,
    `"${main.name}": unrecognised format (supported: ${FORMAT_MODULES.map((m) => m.format).join(', ')}).`,
  );
}

/** Parses the source for the preview and the CLI (no CRS transformation, nothing written). */
export function inspectSource(files: SourceFile[], options: ParseOptions & { kind?: LayerKind } = {}): ParsedSource {
  return detectFormat(files).parse(files, options);
}
