/**
 * The words of an import, zh-CN and English, by code: the notes an import gives beside its result
 * (what was repaired, skipped, assumed or looks suspicious), the geometry repair notes (also the
 * parcel editor's), the preview's notes on the detected encoding and CRS, a suspect DEM's findings,
 * and the names of CRSs and datums those notes and the preview use. The same mechanism as the
 * findings (shared/model/text.ts, shared/rules/messages.ts): the importers send a code with
 * parameters, the CLI and the audit log render the Chinese, the UI renders the reader's language
 * through its catalogue (renderer/i18n), which takes this table as its `importNote`, `repair` and
 * `crsName` namespaces.
 *
 * Chinese is what the CLI printed before the notes had codes: change it on purpose only. A note
 * stored before notes had codes (a DEM's findings in an older project) is its plain Chinese and
 * renders as itself.
 */
import { EN_SEPARATORS, renderText, ZH_SEPARATORS, type CodedText, type TextLanguage, type TextParam } from '../model/text';

type Pair = readonly [zh: string, en: string];

/** A note as stored and sent: coded, or the plain Chinese recorded before notes had codes. */
export type ImportNote = CodedText | string;

const NOTES: Record<string, Pair> = {
  // phrases several notes share
  'importNote.etc': [' 等', ' and more'],
  'importNote.quoted': ['“{text}”', '“{text}”'],
  'importNote.fields.none': ['文件没有属性字段', 'the file has no attribute fields'],
  'importNote.fields.list': ['文件的字段：{fields}', 'the file’s fields: {fields}'],
  'importNote.fields.many': ['文件的字段：{fields} 等 {count} 个', 'the file’s fields: {fields} and more, {count} in all'],

  // the source's format as the preview names it
  'importNote.format.shapefile': ['Shapefile', 'Shapefile'],
  'importNote.format.shapefileEncoded': ['Shapefile（{encoding} 编码）', 'Shapefile ({encoding} encoding)'],
  'importNote.format.geojson': ['GeoJSON', 'GeoJSON'],
  'importNote.format.kml': ['KML', 'KML'],
  'importNote.format.kmz': ['KMZ（压缩的 KML）', 'KMZ (zipped KML)'],
  'importNote.format.csv': ['CSV 坐标表（{encoding}）', 'CSV coordinate table ({encoding})'],
  'importNote.format.xlsx': ['Excel 坐标表（XLSX）', 'Excel coordinate table (XLSX)'],
  'importNote.format.gpkg': ['GeoPackage', 'GeoPackage'],
  'importNote.format.boundaryTxt': ['界址点坐标 TXT（{encoding}）', 'Boundary-point TXT ({encoding})'],
  'importNote.format.dem': ['{kind} 高程数据', '{kind} elevation data'],
  'importNote.format.demMosaic': ['{kind} 高程数据（{count} 个文件拼接）', '{kind} elevation data ({count} files joined)'],

  // an import job's phases (electron/services/importers/staging.ts)
  'importNote.phase.preparing': ['准备导入', 'Preparing the import'],
  'importNote.phase.readingFile': ['读取文件，确定编码和坐标系', 'Reading the file, finding its encoding and coordinate system'],
  'importNote.phase.written': ['已检查并写入 {done} 个要素', '{done} features checked and written'],
  'importNote.phase.writtenOf': ['已检查并写入 {done} / {total} 个要素', '{done} / {total} features checked and written'],
  'importNote.phase.readingDem': ['读取高程数据', 'Reading the elevation data'],
  'importNote.phase.storingDem': ['存入高程数据并计算高程带（{pct}%）', 'Storing the elevation data and computing the bands ({pct} %)'],
  'importNote.phase.done': ['导入完成', 'Import finished'],
  'importNote.phase.cancelled': ['已取消，项目未改动', 'Cancelled; the project is unchanged'],
  'importNote.phase.failed': ['导入失败，项目未改动', 'The import failed; the project is unchanged'],

  // every format (shared/importers/prepare.ts, electron/services/import-file.ts)
  'importNote.featureSkipped': ['要素“{id}”（第 {n} 个）{reason}', 'feature “{id}” (no. {n}): {reason}'],
  'importNote.skipped': ['{count} 个要素无法使用，已跳过：{features}{etc}。', '{count} feature(s) could not be used and were skipped: {features}{etc}.'],
  'importNote.featureRepaired': ['要素“{id}”（第 {n} 个）：{repairs}', 'Feature “{id}” (no. {n}): {repairs}'],
  'importNote.repaired': ['{count} 个要素的几何已修复：{features}{more}。', 'Geometry repaired in {count} feature(s): {features}{more}.'],
  'importNote.repairedMore': ['。另有 {count} 个要素已修复（详见审计日志）', '. {count} more feature(s) were repaired (see the audit log)'],
  'importNote.duplicateId': ['“{id}”（第 {numbers} 个要素）', '“{id}” (features {numbers})'],
  'importNote.duplicateIds': ['要素编号重复：{ids}。', 'Duplicate feature ids: {ids}.'],
  'importNote.unclosedRings': ['{count} 个面边界（环）未闭合，已自动补上闭合点。', '{count} polygon boundary ring(s) were not closed: closing points added.'],
  'importNote.droppedZ': ['坐标中的高程（Z）值已忽略。', 'Elevation (Z) values in the coordinates were ignored.'],
  'importNote.outsideChina': [
    '{count} 个坐标点换算到 EPSG:4490 后不在中国范围内，请检查坐标系（当前按 {crs} 读取）。',
    '{count} coordinate point(s) lie outside China once converted to EPSG:4490: check the coordinate system (read as {crs}).',
  ],
  'importNote.noIdField.imported': [
    '没有识别出地块编号字段（{fields}），{count} 个地块已按要素顺序编号为 {range}，审查结论和报告中将以此序号代替地块编号。如文件中有编号字段，请在“字段对应”中将其对应到 id 后重新导入（命令行：landgate import … --field 字段名=id）；可自动识别的编号字段名：地块编号、编号、DKBH、id 等。',
    'No parcel id field was recognised ({fields}): the {count} parcel(s) were numbered {range} in feature order, and findings, reports and decisions will cite these numbers instead of parcel ids. If the file has an id field, map it to id under “Field mapping” and import again (command line: landgate import … --field <field>=id); field names recognised as the id: 地块编号, 编号, DKBH, id and the like.',
  ],
  'importNote.noIdField.preview': [
    '没有识别出地块编号字段（{fields}），导入后 {count} 个地块将按要素顺序编号为 {range}，审查结论和报告中将以此序号代替地块编号。如文件中有编号字段，请在“字段对应”中将其对应到 id（命令行：landgate import … --field 字段名=id）；可自动识别的编号字段名：地块编号、编号、DKBH、id 等。',
    'No parcel id field was recognised ({fields}): once imported, the {count} parcel(s) will be numbered {range} in feature order, and findings, reports and decisions will cite these numbers instead of parcel ids. If the file has an id field, map it to id under “Field mapping” (command line: landgate import … --field <field>=id); field names recognised as the id: 地块编号, 编号, DKBH, id and the like.',
  ],
  'importNote.idField.named': ['编号字段“{fields}”', 'id field “{fields}”'],
  'importNote.idField.plain': ['编号', 'id'],
  'importNote.idsEmpty.all': [
    '全部 {count} 个地块的{field}为空，已按要素顺序编号为 {range}，审查结论和报告中将以此序号代替地块编号。请补齐编号后重新导入。',
    'The {field} of all {count} parcel(s) is empty: they were numbered {range} in feature order, and findings, reports and decisions will cite these numbers instead of parcel ids. Fill in the ids and import again.',
  ],
  'importNote.idsEmpty.some': [
    '{count} 个地块的{field}为空（{which}），已以要素序号作为其编号。请补齐编号后重新导入。',
    'The {field} of {count} parcel(s) is empty ({which}): their feature numbers were taken as their ids. Fill in the ids and import again.',
  ],
  'importNote.featureNumbers': ['第 {numbers} 个要素', 'features {numbers}'],
  'importNote.featureNumbersMore': ['第 {numbers} 等 {count} 个要素', 'features {numbers} and more, {count} in all'],
  'importNote.crsOverridden': ['文件声明的坐标系为 {declared}，已按 --crs 指定的 {used} 读取。', 'The file declares the coordinate system {declared}; it was read as {used}, as chosen (--crs).'],
  'importNote.gcj02Suspected': [
    '疑似 GCJ-02（高德/腾讯）加偏坐标：{sampled} 个点中有 {matched} 个在去除 GCJ-02 偏移（约 {shiftM} 米）后与项目中已有图层的点重合（{toleranceM} 米内），而原样只有 {asIs} 个。数据未作改动；如确认来源是高德/腾讯地图，请删除该图层后用 --crs GCJ02 重新导入。',
    'Looks like GCJ-02 (AutoNavi/Tencent) offset coordinates: {matched} of {sampled} points meet points of the project’s existing layers (within {toleranceM} m) once the GCJ-02 offset (about {shiftM} m) is removed, against {asIs} as they are. The data were not changed; if they come from AutoNavi or Tencent maps, remove the layer and import it again with the coordinate system GCJ-02 (--crs GCJ02).',
  ],

  // the text encoding (shared/importers/encoding.ts, the DBF of a shapefile)
  'importNote.enc.ascii': ['文本只含 ASCII 字符，编码无关紧要。', 'The text is plain ASCII: the encoding does not matter.'],
  'importNote.enc.utf8': ['文本是有效的 UTF-8。', 'The text is valid UTF-8.'],
  'importNote.enc.gbk': [
    '文本不是 UTF-8；按 GB18030/GBK 字节规律推定为 GBK（{pct}% 的双字节是常用汉字或标点），请在预览中核对属性文字。',
    'The text is not UTF-8; its byte patterns suggest GBK ({pct}% of the two-byte sequences are common Chinese characters or punctuation): check the attribute text in the preview.',
  ],
  'importNote.enc.gbkDoubtful': [
    '文本不是 UTF-8，也不像典型的 GBK（只有 {pct}% 的双字节是常用汉字），暂按 GBK 读取，请在预览中核对或指定编码（--encoding）。',
    'The text is neither UTF-8 nor typical GBK (only {pct}% of the two-byte sequences are common Chinese characters); read as GBK for now: check it in the preview or choose the encoding (--encoding).',
  ],
  'importNote.enc.user': ['按用户指定的 {encoding} 读取。', 'Read as {encoding}, as chosen.'],
  'importNote.enc.ldid': ['DBF 语言驱动标识 0x{ldid} 表示代码页 {codepage}。', 'The DBF language driver id 0x{ldid} stands for code page {codepage}.'],
  'importNote.enc.cp936': ['936（GBK）', '936 (GBK)'],
  'importNote.enc.cpg': ['.cpg 文件声明编码“{declared}”→ {encoding}。', 'The .cpg file declares the encoding “{declared}” → {encoding}.'],
  'importNote.enc.cpgUnknown': ['.cpg 的“{declared}”无法识别；{note}', 'The .cpg’s “{declared}” is not recognised. {note}'],
  'importNote.enc.noCpg': ['没有 .cpg 文件，DBF 也未标明代码页；{note}', 'There is no .cpg file and the DBF names no code page. {note}'],

  // shapefiles (shared/importers/shapefile.ts)
  'importNote.shp.headerLength': [
    '.shp 文件头记录的长度（{declared} 字节）小于实际长度（{actual} 字节），已按实际长度读取。',
    'The .shp header gives a length ({declared} bytes) below the actual one ({actual} bytes): read to the actual length.',
  ],
  'importNote.shp.trailing': ['.shp 末尾有 {bytes} 字节无法解析，已忽略。', '{bytes} byte(s) at the end of the .shp could not be parsed and were ignored.'],
  'importNote.shp.nullShapes': ['第 {records}{etc} 条记录（共 {count} 条）是空几何（Null Shape），已跳过。', 'Record(s) {records}{etc} ({count} in all) have no geometry (null shape) and were skipped.'],
  'importNote.shp.dropped': ['几何中的{what}值已忽略，只导入平面坐标。', 'The geometry’s {what} values were ignored; only x/y were imported.'],
  'importNote.shp.dropped.zm': [' Z（高程）和 M（量测）', 'Z (elevation) and M (measure)'],
  'importNote.shp.dropped.z': [' Z（高程）', 'Z (elevation)'],
  'importNote.shp.dropped.m': [' M（量测）', 'M (measure)'],
  'importNote.shp.ringNote': ['第 {record} 条记录：{note}。', 'Record {record}: {note}.'],
  'importNote.shp.ringOrder': [
    '环的方向不符合 Shapefile 规范（外环应为顺时针），已按包含关系判定外环与内环',
    'the ring orientation does not follow the Shapefile specification (outer rings clockwise): outer rings and holes were told apart by containment',
  ],
  'importNote.shp.orphanRings': ['{count} 个逆时针环不在任何外环内，已作为独立的面（而不是洞）', '{count} counter-clockwise ring(s) lie in no outer ring and became separate polygons (not holes)'],
  'importNote.shp.moreRingNotes': ['另有 {count} 条记录的环按包含关系重新判定。', 'The rings of {count} more record(s) were told apart by containment.'],
  'importNote.dbf.encoding': ['属性表编码：{note}', 'Attribute table encoding: {note}'],
  'importNote.dbf.undecodable': [
    '{count} 个属性值含有按 {encoding} 无法解码的字节（显示为 �），编码可能不对，请在预览中核对或指定编码（--encoding）。',
    '{count} attribute value(s) hold bytes that {encoding} cannot decode (shown as �): the encoding may be wrong; check it in the preview or choose the encoding (--encoding).',
  ],
  'importNote.dbf.alsoUtf8': [
    '属性文字按 {encoding} 读取，但这些字节恰好也是有效的 UTF-8，请在预览中核对（必要时 --encoding utf-8）。',
    'The attribute text was read as {encoding}, but its bytes are valid UTF-8 too: check it in the preview (choose UTF-8 if need be, --encoding utf-8).',
  ],
  'importNote.dbf.memo': ['备注型（Memo）字段需要 .dbt 文件，已留空。', 'Memo fields need the .dbt file and were left empty.'],
  'importNote.dbf.recordCount': ['属性表记录数（{dbf}）与几何记录数（{shp}）不一致，多出的记录{extra}。', 'The attribute table has {dbf} record(s) and the geometry {shp}: {extra}.'],
  'importNote.dbf.recordCount.noAttributes': ['没有属性', 'the extra geometry records have no attributes'],
  'importNote.dbf.recordCount.ignored': ['已忽略', 'the extra attribute records were ignored'],
  'importNote.dbf.missing': ['缺少属性表“{file}”，只导入几何，要素按记录序号编号（1、2、3…）。', 'The attribute table “{file}” is missing: only the geometry was imported, the features numbered by record (1, 2, 3…).'],

  // GeoJSON, KML, GeoPackage
  'importNote.geojson.array': ['文件顶层是要素数组（不是 FeatureCollection），已按要素集合读取。', 'The file is an array of features at the top (not a FeatureCollection): read as a feature collection.'],
  'importNote.geojson.bareGeometry': ['文件只含一个几何图形（没有属性），已作为一个要素读取。', 'The file holds a single geometry (no attributes): read as one feature.'],
  'importNote.geojson.gbk': ['文件不是 UTF-8 编码，已按 GBK 读取。', 'The file is not UTF-8: read as GBK.'],
  'importNote.geojson.datav': [
    '文件看起来来自 DataV/高德（GCJ-02 加偏坐标，与 CGCS2000 相差约 500 米），结果位置可能有偏移；如确认是 GCJ-02，请用 --crs GCJ02 导入以纠偏。',
    'The file looks like a DataV/AutoNavi download (GCJ-02 offset coordinates, about 500 m from CGCS2000), so positions may be shifted; if it is GCJ-02, import it with the coordinate system GCJ-02 (--crs GCJ02) to correct them.',
  ],
  'importNote.kml.noGeometry': ['{count} 个地标没有几何图形（只有名称或样式），已跳过。', '{count} placemark(s) have no geometry (only a name or a style) and were skipped.'],
  'importNote.gpkg.nullGeometries': ['图层“{table}”有 {count} 条记录没有几何图形，已跳过。', 'Layer “{table}” has {count} record(s) without geometry; they were skipped.'],

  // boundary-point TXT (shared/importers/boundary-txt.ts)
  'importNote.txt.nthParcel': ['第 {n} 个地块', 'parcel no. {n}'],
  'importNote.txt.swapped': [
    '坐标行的第 3、4 列按数值大小判断为“Y（东坐标）,X（北坐标）”，与部标格式“X（北）,Y（东）”相反，已按数值大小对调读取。',
    'By their magnitudes, columns 3 and 4 of the point lines are “Y (easting), X (northing)”, the reverse of the ministry format “X (north), Y (east)”: read swapped.',
  ],
  'importNote.txt.zonePrefix': [
    '[属性描述] 中 带号={zone}，但东坐标的前两位（带号前缀）是 {prefix}；以坐标前缀 {prefix} 为准，请核对。',
    '[属性描述] says 带号={zone} (zone), but the eastings begin with the zone prefix {prefix}; the prefix {prefix} was used: please check.',
  ],
  'importNote.txt.zoneWidth': [
    '[属性描述] 中 几度分带={width}，但带号 {zone} 是 {actual}° 带的带号；按 {actual}° 带读取，请核对。',
    '[属性描述] says 几度分带={width} (zone width), but zone {zone} is a {actual}° zone; read as a {actual}° zone: please check.',
  ],
  'importNote.txt.params': [
    '坐标系为{datum}，已按文件中的转换参数 {params} 转换到 CGCS2000；请确认参数来自当地自然资源部门。',
    'The coordinate system is {datum}; converted to CGCS2000 with the file’s transformation parameters {params}: make sure they come from the local natural resources bureau.',
  ],
  'importNote.txt.datum.xian80': ['1980西安坐标系', 'Xian 1980'],
  'importNote.txt.datum.beijing54': ['1954北京坐标系', 'Beijing 1954'],
  'importNote.txt.duplicatePoint': [
    '地块“{parcel}”的点号 {point}（圈号 {ring}）出现两次且坐标不同（第 {first} 行与第 {second} 行），请核对。',
    'Parcel “{parcel}”: point {point} (ring {ring}) appears twice with different coordinates (lines {first} and {second}): please check.',
  ],
  'importNote.txt.unclosed': ['地块“{parcel}”的环（圈号 {ring}，第 {line} 行起）首尾点不重合，已自动闭合。', 'Parcel “{parcel}”: the ring (ring {ring}, from line {line}) does not end where it starts and was closed.'],
  'importNote.txt.area': [
    '地块“{parcel}”属性行的面积 {header} 公顷与按坐标计算的平面面积 {planar} 公顷相差 {pct}%，请核对。',
    'Parcel “{parcel}”: the area on its attribute line, {header} ha, differs from the plane area of its coordinates, {planar} ha, by {pct}%: please check.',
  ],

  // CSV and XLSX tables (shared/importers/table.ts)
  'importNote.table.swappedLonLat': ['“{a}”列的值像纬度、“{b}”列的值像经度，已按数值大小对调。', 'The values of column “{a}” look like latitudes and those of “{b}” like longitudes: swapped by magnitude.'],
  'importNote.table.projectedInLonLat': ['“{a}/{b}”列的数值是平面坐标（米），已按高斯-克吕格坐标读取。', 'Columns “{a}/{b}” hold plane coordinates (metres): read as Gauss-Krüger coordinates.'],
  'importNote.table.axes': ['按数值大小，“{north}”列为北坐标（X），“{east}”列为东坐标（Y）。', 'By magnitude, column “{north}” is the northing (X) and column “{east}” the easting (Y).'],
  'importNote.table.sorted': ['地块“{parcel}”的行不是按点号顺序排列，已按点号排序连线。', 'Parcel “{parcel}”: the rows are not in point-number order; the points were joined in point-number order.'],

  // the detected CRS, shown in the preview (and in a refusal asking for --crs)
  'importNote.crs.user': ['按用户指定的坐标系 {code} 读取。', 'Read in the coordinate system {code}, as chosen.'],
  'importNote.crs.declaredMember': ['文件的 crs 成员声明坐标系 {code}。', 'The file’s crs member declares the coordinate system {code}.'],
  'importNote.crs.geojsonDefault': [
    'GeoJSON 未声明坐标系，按经纬度（CGCS2000，与 WGS84 相差约 1 米以内）读取。',
    'The GeoJSON declares no coordinate system: read as longitude/latitude (CGCS2000, within about 1 m of WGS84).',
  ],
  'importNote.crs.kml': [
    'KML 坐标规定为 WGS84 经纬度（EPSG:4326），在县域尺度上与 CGCS2000 相差约 1 米，按 CGCS2000 兼容处理。若坐标取自高德/腾讯地图（GCJ-02），请改选相应坐标系。',
    'KML coordinates are WGS84 longitude/latitude (EPSG:4326) by definition, about 1 m from CGCS2000 at county scale, and are taken as CGCS2000. If they come from AutoNavi or Tencent maps (GCJ-02), choose that coordinate system instead.',
  ],
  'importNote.crs.gpkgUndefined': ['图层“{table}”的坐标系未定义（srs_id={srsId}），请选择坐标系。', 'Layer “{table}” has an undefined coordinate system (srs_id={srsId}): choose one.'],
  'importNote.crs.gpkgDeclared': ['GeoPackage 声明的坐标系：{name}（{code}）。{wgs84}', 'Coordinate system declared by the GeoPackage: {name} ({code}).{wgs84}'],
  'importNote.crs.gpkgWgs84': ['WGS84 经纬度与 CGCS2000 相差约 1 米，按兼容处理。', ' WGS84 longitude/latitude is about 1 m from CGCS2000 and is taken as compatible.'],
  'importNote.crs.prjMismatch': [
    '.prj 声明为 {declared}，但坐标值是{values}，坐标系说明与数据不符。{proposal}',
    'The .prj declares {declared}, but the coordinates are {values}: the declaration does not fit the data. {proposal}',
  ],
  'importNote.crs.values.lonLat': ['经纬度', 'longitude/latitude'],
  'importNote.crs.values.metres': ['米制投影坐标', 'projected metres'],
  'importNote.crs.prjUnrecognised': ['{note}{maybe}', '{note}{maybe}'],
  'importNote.crs.prjMaybe': [' 按坐标范围可能是 {code}，请确认。', ' By the coordinate range it may be {code}: please confirm.'],
  'importNote.crs.noPrj': ['缺少 .prj 文件。{proposal}', 'There is no .prj file. {proposal}'],
  'importNote.crs.noPrjNoGuess': [
    '缺少 .prj 文件，坐标范围也不像经纬度或高斯-克吕格坐标，无法推定坐标系。',
    'There is no .prj file and the coordinate range looks like neither longitude/latitude nor Gauss-Krüger coordinates: the coordinate system cannot be guessed.',
  ],
  'importNote.crs.txtParams': [
    '坐标系={system}（{code}），使用文件 [属性描述] 中的转换参数 {params}（PROJ 位置向量约定：米、角秒、ppm）转换到 CGCS2000。',
    'Coordinate system {system} ({code}), converted to CGCS2000 with the transformation parameters {params} of the file’s [属性描述] (PROJ position-vector convention: metres, arc-seconds, ppm).',
  ],
  'importNote.crs.txtNeedsParams': [
    '坐标系={system}（{code}）。{datum}到 CGCS2000 需要当地的 7 参数或 3 参数（--towgs84），文件中的“转换参数”为空。',
    'Coordinate system {system} ({code}). {datum} needs local 7 or 3 transformation parameters to reach CGCS2000 (--towgs84), and the file’s 转换参数 (transformation parameters) is empty.',
  ],
  'importNote.crs.txtNoZone': [
    '文件没有带号，东坐标也不含带号前缀，无法确定投影带；请选择坐标系（CGCS2000 高斯-克吕格分带）。',
    'The file gives no zone and the eastings carry no zone prefix, so the projection zone is unknown: choose the coordinate system (a CGCS2000 Gauss-Krüger zone).',
  ],
  'importNote.crs.txtZone': ['{basis}，{width}° 带第 {zone} 带{prefixed}{fromPrefix}：{code}。', '{basis}, {width}° zone {zone}{prefixed}{fromPrefix}: {code}.'],
  'importNote.crs.txtZone.declared': ['坐标系={system}', 'Coordinate system {system}'],
  'importNote.crs.txtZone.assumed': ['文件没有写明坐标系，推定为 CGCS2000', 'The file names no coordinate system, CGCS2000 assumed'],
  'importNote.crs.txtZone.prefixed': ['（东坐标含带号前缀）', ' (eastings with the zone prefix)'],
  'importNote.crs.txtZone.unprefixed': ['（东坐标不含带号）', ' (eastings without the zone)'],
  'importNote.crs.txtZone.fromPrefix': ['，带号取自坐标前缀', ', the zone taken from the coordinates’ prefix'],
  'importNote.crs.tableLonLat': [
    '经纬度坐标，推定为 CGCS2000（与 WGS84 相差约 1 米）；若取自高德/腾讯/百度地图，请改选 GCJ-02/BD-09。',
    'Longitude/latitude, taken as CGCS2000 (about 1 m from WGS84); if they come from AutoNavi, Tencent or Baidu maps, choose GCJ-02 or BD-09 instead.',
  ],
  'importNote.crs.tableZone': ['东坐标含带号 {prefix}，推定为 CGCS2000 {width}° 带第 {prefix} 带（{code}），请确认。', 'The eastings carry the zone {prefix}: taken as CGCS2000 {width}° zone {prefix} ({code}); please confirm.'],
  'importNote.crs.tableUnknown': ['无法从坐标判断投影带，请选择坐标系。', 'The projection zone cannot be told from the coordinates: choose the coordinate system.'],
  'importNote.crs.guessLonLat': [
    '坐标范围 {minX}–{maxX}，{minY}–{maxY} 是经纬度，推定为 CGCS2000 经纬度（EPSG:4490）；如数据来自高德/腾讯（GCJ-02）或百度（BD-09），请选择对应坐标系。',
    'The coordinate range {minX}–{maxX}, {minY}–{maxY} is longitude/latitude, taken as CGCS2000 longitude/latitude (EPSG:4490); if the data come from AutoNavi/Tencent (GCJ-02) or Baidu (BD-09), choose that coordinate system.',
  ],
  'importNote.crs.guessMixedZones': ['X 坐标的带号前缀不一致（{lo} 与 {hi}），无法推定坐标系，请指定。', 'The X coordinates carry different zone prefixes ({lo} and {hi}): the coordinate system cannot be guessed; choose it.'],
  'importNote.crs.guessZone': [
    'X 坐标含带号前缀 {zone}（8 位），推定为 CGCS2000 {width}° 高斯-克吕格第 {zone} 带（中央经线 {cm}°E，{code}），请确认。',
    'The X coordinates carry the zone prefix {zone} (8 digits): taken as CGCS2000 {width}° Gauss-Krüger zone {zone} (central meridian {cm}°E, {code}); please confirm.',
  ],
  'importNote.crs.guessBadZone': ['X 坐标的带号前缀 {zone} 不是覆盖中国的高斯-克吕格带号，无法推定坐标系。', 'The zone prefix {zone} of the X coordinates is no Gauss-Krüger zone covering China: the coordinate system cannot be guessed.'],
  'importNote.crs.guessNoZoneOutside': [
    'X 坐标为 6 位（不含带号），按山西的 37、38 带都不落在山西境内，无法推定带号，请指定坐标系。',
    'The X coordinates have 6 digits (no zone), and read in Shanxi’s zones 37 or 38 they fall outside Shanxi: the zone cannot be guessed; choose the coordinate system.',
  ],
  'importNote.crs.guessNoZone': [
    'X 坐标为 6 位（不含带号），数据本身无法确定带号；按位置推测为 CGCS2000 3° 高斯-克吕格第 {zone} 带（中央经线 {cm}°E，{code}）{both}，请确认。',
    'The X coordinates have 6 digits (no zone), so the data cannot tell the zone; by position they are taken as CGCS2000 3° Gauss-Krüger zone {zone} (central meridian {cm}°E, {code}){both}; please confirm.',
  ],
  'importNote.crs.guessAlsoZone': ['（按第 {zone} 带 {code} 也有 {pct}% 落在山西，务必核对）', ' ({pct}% fall in Shanxi read as zone {zone}, {code}, too: be sure to check)'],
  'importNote.prj.empty': ['.prj 文件是空的。', 'The .prj file is empty.'],
  'importNote.prj.invalid': ['.prj 内容不是有效的 WKT：“{text}”。', 'The .prj is not valid WKT: “{text}”.'],
  'importNote.prj.epsg': ['.prj 带有 EPSG 标识 {code}（{name}）。', 'The .prj carries the EPSG code {code} ({name}).'],
  'importNote.prj.geographic': ['.prj 为 {datum} 经纬度（{name}）→ {code}。', 'The .prj is {datum} longitude/latitude ({name}) → {code}.'],
  'importNote.prj.unknownGeographic': [
    '.prj 的地理坐标系“{name}”不是 CGCS2000、WGS84、西安 1980 或北京 1954，无法识别。',
    'The .prj’s geographic coordinate system “{name}” is not CGCS2000, WGS84, Xian 1980 or Beijing 1954 and is not recognised.',
  ],
  'importNote.prj.webMercator': ['.prj 为 Web 墨卡托（{name}）→ EPSG:3857。', 'The .prj is Web Mercator ({name}) → EPSG:3857.'],
  'importNote.prj.gk': ['.prj 为 {datum} 高斯-克吕格投影（{name}，中央经线 {cm}°E，东偏 {fe} 米）→ {code}。', 'The .prj is a {datum} Gauss-Krüger projection ({name}, central meridian {cm}°E, false easting {fe} m) → {code}.'],
  'importNote.prj.unsupportedGk': [
    '.prj 的投影“{name}”（{datum}，中央经线 {cm}°，比例因子 {k}，东偏 {fe}）不是 LandGate 支持的 CGCS2000/西安 1980/北京 1954 高斯-克吕格带。',
    'The .prj’s projection “{name}” ({datum}, central meridian {cm}°, scale factor {k}, false easting {fe}) is not a CGCS2000, Xian 1980 or Beijing 1954 Gauss-Krüger zone LandGate supports.',
  ],
  'importNote.prj.unsupportedProjection': ['.prj 的投影“{name}”（{projection}）不受支持。', 'The .prj’s projection “{name}” ({projection}) is not supported.'],
  'importNote.prj.unsupportedRoot': ['.prj 的根元素 {keyword} 不受支持（应为 GEOGCS 或 PROJCS）。', 'The .prj’s root element {keyword} is not supported (it should be GEOGCS or PROJCS).'],

  // DEM (electron/services/terrain, importers/staging.ts)
  'importNote.dem.accepted': ['高程数据{files}经确认后导入，但可能有误：{suspicion}。', 'The elevation data {files} were imported once confirmed, but may be wrong: {suspicion}.'],
  'importNote.dem.inFile': ['“{file}”{suspicion}', '{file}: {suspicion}'],
  'importNote.dem.outsideChina': [
    '按其声明的坐标系 {crs}，范围在{where}，不在中国境内（是否把经纬度度数当成了米，或坐标系声明有误？）',
    'under its declared coordinate system {crs} it lies at {where}, outside China (degrees declared as metres, or a wrong coordinate system?)',
  ],
  'importNote.dem.where': ['经度 {west}–{east}、纬度 {south}–{north}', 'longitude {west}–{east}, latitude {south}–{north}'],
  'importNote.dem.whereUnknown': ['无法换算为经纬度的位置', 'a position that cannot be converted to longitude/latitude'],
  'importNote.dem.cellSize': ['像元大小约 {cell} 米，不像高程数据（常见为 5–90 米）', 'the cell size of about {cell} m is implausible for elevation data (5–90 m is usual)'],
  'importNote.dem.outOfRange': [
    '{count} 个像元的高程超出 {min}–{max} 米（中国境内不可能的高程，可能是数据类型或压缩方式错误、文件损坏）',
    '{count} cell(s) lie outside {min}–{max} m (elevations impossible in China: a wrong sample type or compression, or a corrupt file)',
  ],
  'importNote.dem.noValues': ['没有任何有效高程值', 'there is no valid elevation at all'],
  'importNote.dem.allZero': ['全部 {count} 个像元都是 0 米（空数据被填成了 0？）', 'all {count} cells are 0 m (empty data filled with 0?)'],
  'importNote.dem.zeroHoles': ['{count} 个像元恰为 0 米，而其余像元最低 {min} 米（缺失的数据块或空洞被填成了 0？）', '{count} cell(s) are exactly 0 m while the rest are at least {min} m (a missing tile or hole filled with 0?)'],
  'importNote.dem.noise': ['相邻像元平均坡度 {degrees}°，不像真实地形（随机噪声或数据类型错误？）', 'the mean slope between neighbouring cells, {degrees}°, is not real terrain (random noise or a wrong sample type?)'],
  'importNote.dem.missingBlocks': ['{count} 个数据块在文件中缺失（按无数据处理）', '{count} data block(s) are missing from the file (read as nodata)'],
  'importNote.dem.nodataShare': ['{count} 个像元无高程数据（{pct}%），按“未知”处理，不计入任何高程带。', '{count} cell(s) have no elevation ({pct}%): taken as unknown, in no elevation band.'],
  'importNote.dem.nodata': ['{count} 个像元无高程数据，按“未知”处理，不计入任何高程带。', '{count} cell(s) have no elevation: taken as unknown, in no elevation band.'],
};

/** Geometry repairs (shared/geo/validate.ts): a phrase each, joined per feature. */
const REPAIRS: Record<string, Pair> = {
  'repair.unclosed': ['{count} 个环未闭合，已补上闭合点', '{count} ring(s) not closed: closing point added'],
  'repair.duplicates': ['删除 {count} 个重复的连续点', 'removed {count} repeated consecutive point(s)'],
  'repair.spikes': ['删除 {count} 个尖刺（折返的顶点）', 'removed {count} spike(s) (vertices where the boundary turns straight back)'],
  'repair.degenerateHoles': ['删除 {count} 个退化（少于 3 个不同点）的洞', 'removed {count} degenerate hole(s) (fewer than 3 distinct points)'],
  'repair.emptyParts': ['删除 {count} 个空的或退化的部件', 'removed {count} empty or degenerate part(s)'],
  'repair.holesOutside': ['{count} 个洞不在外边界内，已改为独立的面', '{count} hole(s) outside the outer boundary became separate polygons'],
  'repair.selfIntersection': [
    '边界自相交 {count} 处（首处在 {at} 附近），已在交点处拆分，面积变化 {pct}%',
    'the boundary crossed itself {count} time(s) (first near {at}): split at the crossings, area changed by {pct}%',
  ],
  'repair.overlappingParts': ['多部件面的部件相互重叠，已合并（重叠 {m2} m²）', 'overlapping parts of the multipolygon were merged ({m2} m² overlap)'],
  'repair.zeroLengthLine': ['线的长度为零（所有点重合）', 'the line has zero length (all its points coincide)'],
};

/** Names of CRSs and datums, in notes and in the preview's CRS choice (shared/crs crsLabelText). */
const CRS_NAMES: Record<string, Pair> = {
  'crsName.4490': ['CGCS2000 经纬度（EPSG:4490）', 'CGCS2000 lon/lat (EPSG:4490)'],
  'crsName.4326': ['WGS84 经纬度（EPSG:4326）', 'WGS84 lon/lat (EPSG:4326)'],
  'crsName.3857': ['Web 墨卡托（EPSG:3857）', 'Web Mercator (EPSG:3857)'],
  'crsName.gcj02': ['GCJ-02（高德/腾讯加偏经纬度）', 'GCJ-02 (AutoNavi/Tencent offset lon/lat)'],
  'crsName.bd09': ['BD-09（百度经纬度）', 'BD-09 (Baidu lon/lat)'],
  'crsName.gkZone': ['CGCS2000 {width}° 高斯-克吕格第 {zone} 带（{code}）', 'CGCS2000 {width}° Gauss-Krüger zone {zone} ({code})'],
  'crsName.gkMeridian': ['CGCS2000 {width}° 高斯-克吕格 中央经线 {cm}°E（{code}）', 'CGCS2000 {width}° Gauss-Krüger, central meridian {cm}°E ({code})'],
  'crsName.legacyLonLat': ['{datum} 经纬度', '{datum} lon/lat'],
  'crsName.legacyZone': ['{datum} {width}° 高斯-克吕格第 {zone} 带（带号前缀）', '{datum} {width}° Gauss-Krüger zone {zone} (zone-prefixed)'],
  'crsName.legacyMeridian': ['{datum} {width}° 高斯-克吕格 中央经线 {cm}°E', '{datum} {width}° Gauss-Krüger, central meridian {cm}°E'],
  'crsName.withCode': ['{name}（{code}）', '{name} ({code})'],
  'crsName.userParameters': ['{name}（用户参数 {params}）', '{name} (user parameters {params})'],
  'crsName.datum.cgcs2000': ['CGCS2000', 'CGCS2000'],
  'crsName.datum.wgs84': ['WGS84', 'WGS84'],
  'crsName.datum.xian80': ['西安 1980', 'Xian 1980'],
  'crsName.datum.beijing54': ['北京 1954', 'Beijing 1954'],
  'crsName.datum.unknown': ['未知基准', 'an unknown datum'],
};

let table: Record<string, Pair> | null = null;

/** Every import text by code, as [zh-CN, en]. */
export function importMessages(): Record<string, Pair> {
  table ??= { ...NOTES, ...REPAIRS, ...CRS_NAMES };
  return table;
}

export const IMPORT_ZH: TextLanguage = { template: (code) => importMessages()[code]?.[0], separators: ZH_SEPARATORS };
export const IMPORT_EN: TextLanguage = { template: (code) => importMessages()[code]?.[1], separators: EN_SEPARATORS };

/** The Chinese of a note: what the CLI prints and the audit log records. */
export function importNoteZh(note: TextParam): string {
  return renderText(note, IMPORT_ZH);
}

/** The English of a note, for the English half of a refusal that quotes one. */
export function importNoteEn(note: TextParam): string {
  return renderText(note, IMPORT_EN);
}
