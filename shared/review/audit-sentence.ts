/**
 * The audit trail read as sentences ("张三 签署审查决定：有条件准入（第 1 版）") instead of the
 * stored key=value detail. The stored record stays what the hash chain covers; this is only how
 * it reads. Unknown actions and detail shapes fall back to the action's name, so an entry written
 * by a newer LandGate still shows.
 */
import { LAYER_KIND_LABEL_ZH, isLayerKind } from '../model/layers';
import { VERDICT_LABEL_ZH, type Verdict } from '../model/check';
import { attributeValueZh, isEditableParcelKey, PARCEL_ATTRIBUTE_FIELD } from '../model/parcel-attributes';
import { isProjectRole, PROJECT_ROLE_LABEL } from '../model/project-roles';
import { DECISION_LABEL_EN, DECISION_LABEL_ZH } from './labels';
import { isDecisionKind } from './model';

export type AuditLocale = 'zh-CN' | 'en';

const VERDICT_LABEL_EN: Record<Verdict, string> = { permitted: 'permitted', conditional: 'conditional', prohibited: 'prohibited' };

const EXPORT_FORMAT: Record<string, readonly [string, string]> = {
  pdf: ['审查意见书（PDF）', 'review opinion (PDF)'],
  'review-pdf': ['审查意见书（PDF）', 'review opinion (PDF)'],
  'monthly-summary-xlsx': ['月度汇总调度表', 'monthly summary'],
  xlsx: ['审查结果表（XLSX）', 'findings table (XLSX)'],
  package: ['审查包', 'review package'],
  'review-package': ['审查包', 'review package'],
  'sweep-xlsx': ['全部审查结果表（XLSX）', 'sweep results (XLSX)'],
  'sweep-csv': ['全部审查结果表（CSV）', 'sweep results (CSV)'],
  'sweep-shp': ['全部审查结果（Shapefile）', 'sweep results (shapefile)'],
  'sweep-gpkg': ['全部审查结果（GeoPackage）', 'sweep results (GeoPackage)'],
  gpkg: ['GeoPackage 文件', 'GeoPackage'],
  shapefile: ['Shapefile 文件', 'shapefile'],
};

type Detail = Record<string, unknown>;

/** What the log itself does not hold but a reader expects to see: profiles by their names. */
export interface AuditContext {
  profileNames?: Readonly<Record<string, string>>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const quoted = (zh: boolean, v: string) => (zh ? `“${v}”` : `"${v}"`);

function kindLabel(kind: unknown, zh: boolean): string | undefined {
  if (!isLayerKind(kind)) return undefined;
  return zh ? LAYER_KIND_LABEL_ZH[kind] : kind.replace(/-/g, ' ');
}

function decisionText(d: Detail, zh: boolean): string {
  const kind = isDecisionKind(d.decision) ? d.decision : undefined;
  const label = kind ? (zh ? DECISION_LABEL_ZH[kind] : DECISION_LABEL_EN[kind].toLowerCase()) : String(d.decision ?? '');
  const revision = num(d.revision);
  const parcel = str(d.parcelId);
  const parts: string[] = [];
  if (zh) {
    parts.push(`${label}${revision ? `（第 ${revision} 版）` : ''}`);
    if (parcel) parts.push(`地块 ${parcel}`);
    if (str(d.revisionReason)) parts.push(`修订理由：${str(d.revisionReason)}`);
    return parts.join('，');
  }
  parts.push(`${label}${revision ? ` (revision ${revision})` : ''}`);
  if (parcel) parts.push(`parcel ${parcel}`);
  if (str(d.revisionReason)) parts.push(`reason: ${str(d.revisionReason)}`);
  return parts.join(', ');
}

function verdictCounts(v: unknown, zh: boolean): string {
  if (!v || typeof v !== 'object') return '';
  const counts = v as Record<string, unknown>;
  const order: Verdict[] = ['prohibited', 'conditional', 'permitted'];
  return order
    .filter((k) => (num(counts[k]) ?? 0) > 0)
    .map((k) => (zh ? `${VERDICT_LABEL_ZH[k]} ${num(counts[k])}` : `${VERDICT_LABEL_EN[k]} ${num(counts[k])}`))
    .join(zh ? '、' : ', ');
}

function attributeValue(key: string, value: unknown, zh: boolean): string {
  if (value === null || value === undefined || value === '') return zh ? '（未填写）' : '(empty)';
  if (zh && isEditableParcelKey(key)) return attributeValueZh(key, value);
  if (Array.isArray(value)) return value.length === 0 ? (zh ? '不涉及' : 'none') : value.join(', ');
  return String(value);
}

/**
 * What the entry says, without the actor: "签署审查决定：有条件准入（第 1 版），地块 P-001".
 * The caller puts the actor's name in front (or in its own column).
 */
export function auditSentence(entry: { action: string; detail: unknown }, locale: AuditLocale, context: AuditContext = {}): string {
  const zh = locale === 'zh-CN';
  const profileName = (id: string | undefined) => (id ? context.profileNames?.[id] ?? id : undefined);
  const d: Detail = entry.detail && typeof entry.detail === 'object' ? (entry.detail as Detail) : {};
  const title = str(d.title) ?? str(d.table);
  switch (entry.action) {
    case 'create':
      return zh ? `创建项目${title ? quoted(zh, title) : ''}` : `created the project${title ? ` ${quoted(zh, title)}` : ''}`;
    case 'schema-upgrade':
      return zh ? `升级项目文件结构（第 ${num(d.from) ?? '?'} 版 → 第 ${num(d.to) ?? '?'} 版）` : `upgraded the project schema (${num(d.from) ?? '?'} → ${num(d.to) ?? '?'})`;
    case 'import':
    case 'layer-create': {
      const kind = kindLabel(d.kind, zh);
      const count = num(d.featureCount);
      const source = str(d.sourceFile);
      if (zh) {
        const extra = [kind, count !== undefined ? `${count} 个要素` : undefined, source ? `来自 ${source}` : undefined].filter(Boolean).join('，');
        return `${entry.action === 'import' ? '导入图层' : '新建图层'}${title ? quoted(zh, title) : ''}${extra ? `（${extra}）` : ''}`;
      }
      const extra = [kind, count !== undefined ? `${count} features` : undefined, source ? `from ${source}` : undefined].filter(Boolean).join(', ');
      return `${entry.action === 'import' ? 'imported layer' : 'created layer'}${title ? ` ${quoted(zh, title)}` : ''}${extra ? ` (${extra})` : ''}`;
    }
    case 'import-warnings': {
      const n = Array.isArray(d.warnings) ? d.warnings.length : 0;
      return zh ? `导入图层${title ? quoted(zh, title) : ''}时记录 ${n} 条提示` : `recorded ${n} import note(s)${title ? ` for ${quoted(zh, title)}` : ''}`;
    }
    case 'layer-remove':
      return zh ? `删除图层${title ? quoted(zh, title) : ''}` : `removed layer${title ? ` ${quoted(zh, title)}` : ''}`;
    case 'layer-rename':
      return zh ? `将图层${quoted(zh, str(d.oldTitle) ?? '')}改名为${quoted(zh, str(d.title) ?? '')}` : `renamed layer ${quoted(zh, str(d.oldTitle) ?? '')} to ${quoted(zh, str(d.title) ?? '')}`;
    case 'check': {
      const n = num(d.parcelCount);
      const profile = profileName(str(d.profile));
      const counts = verdictCounts(d.verdicts, zh);
      const sweep = d.sweepId !== undefined;
      if (zh) return `${sweep ? '全部审查' : '审查'}${n !== undefined ? ` ${n} 个地块` : ''}${profile ? `（审查规则配置“${profile}”）` : ''}${counts ? `：${counts}` : ''}`;
      return `${sweep ? 'swept' : 'checked'}${n !== undefined ? ` ${n} parcel(s)` : ''}${profile ? ` (profile ${profile})` : ''}${counts ? `: ${counts}` : ''}`;
    }
    case 'submission': {
      const n = Array.isArray(d.parcelIds) ? d.parcelIds.length : undefined;
      return zh ? `登记报件${title ? quoted(zh, title) : ''}${n !== undefined ? `（${n} 个地块）` : ''}` : `registered submission${title ? ` ${quoted(zh, title)}` : ''}${n !== undefined ? ` (${n} parcel(s))` : ''}`;
    }
    case 'decision':
      return zh ? `签署审查决定：${decisionText(d, zh)}` : `signed the decision: ${decisionText(d, zh)}`;
    case 'decision-revision':
      return zh ? `修订审查决定：${decisionText(d, zh)}` : `revised the decision: ${decisionText(d, zh)}`;
    case 'export': {
      const format = str(d.format);
      const label = format ? EXPORT_FORMAT[format]?.[zh ? 0 : 1] ?? format : undefined;
      const file = str(d.file);
      return zh ? `导出${label ?? ''}${file ? quoted(zh, file) : ''}` : `exported ${label ?? ''}${file ? ` ${quoted(zh, file)}` : ''}`.trim();
    }
    case 'package-import': {
      const file = str(d.file);
      const parcels = num(d.parcels);
      return zh ? `导入审查包${file ? quoted(zh, file) : ''}${parcels !== undefined ? `（${parcels} 个地块）` : ''}` : `imported review package${file ? ` ${quoted(zh, file)}` : ''}${parcels !== undefined ? ` (${parcels} parcel(s))` : ''}`;
    }
    case 'draw-parcel':
    case 'edit-parcel': {
      const parcel = str(d.parcelId) ?? '';
      const before = num(d.oldAreaM2);
      const after = num(d.newAreaM2);
      const area = after !== undefined ? (before !== undefined ? `${before.toFixed(1)} → ${after.toFixed(1)}` : after.toFixed(1)) : undefined;
      if (entry.action === 'draw-parcel' || before === undefined) return zh ? `绘制地块 ${parcel}${area ? `（面积 ${area} 平方米）` : ''}` : `drew parcel ${parcel}${area ? ` (area ${area} m²)` : ''}`;
      return zh ? `修改地块 ${parcel} 的边界${area ? `（面积 ${area} 平方米）` : ''}` : `edited the boundary of parcel ${parcel}${area ? ` (area ${area} m²)` : ''}`;
    }
    case 'parcel-attribute': {
      const field = str(d.field) ?? '';
      const label = isEditableParcelKey(field) ? (zh ? PARCEL_ATTRIBUTE_FIELD[field].labelZh : PARCEL_ATTRIBUTE_FIELD[field].labelEn.toLowerCase()) : field;
      const change = `${attributeValue(field, d.old, zh)} → ${attributeValue(field, d.new, zh)}`;
      return zh ? `修改地块 ${str(d.parcelId) ?? ''} 的${label}：${change}` : `changed ${label} of parcel ${str(d.parcelId) ?? ''}: ${change}`;
    }
    case 'bands': {
      const levels = Array.isArray(d.levels) ? d.levels.join('、') : '';
      return zh ? `生成清洁取暖高程带${levels ? `（${levels} 米）` : ''}` : `built elevation bands${levels ? ` (${levels} m)` : ''}`;
    }
    case 'basemap.add': {
      const file = str(d.file);
      return zh ? `添加底图${file ? quoted(zh, file) : ''}` : `added basemap${file ? ` ${quoted(zh, file)}` : ''}`;
    }
    case 'profile-save':
      return zh ? `保存审查规则配置${quoted(zh, profileName(str(d.profile)) ?? '')}${str(d.version) ? `（版本 ${str(d.version)}）` : ''}` : `saved profile ${quoted(zh, profileName(str(d.profile)) ?? '')}${str(d.version) ? ` (version ${str(d.version)})` : ''}`;
    case 'profile-delete':
      return zh ? `删除审查规则配置${quoted(zh, profileName(str(d.profile)) ?? '')}` : `deleted profile ${quoted(zh, profileName(str(d.profile)) ?? '')}`;
    case 'sync-pull': {
      const parcels = num(d.parcels);
      const copy = str(d.copy);
      return zh
        ? `取出会议副本${copy ? quoted(zh, copy) : ''}${parcels !== undefined ? `（${parcels} 个地块）` : ''}`
        : `pulled meeting copy${copy ? ` ${quoted(zh, copy)}` : ''}${parcels !== undefined ? ` (${parcels} parcel(s))` : ''}`;
    }
    case 'sync-push': {
      const decisions = num(d.decisions) ?? 0;
      const edits = num(d.attributeEdits) ?? 0;
      const conflicts = Array.isArray(d.conflicts) ? d.conflicts.length : num(d.conflicts) ?? 0;
      const copy = str(d.copy);
      return zh
        ? `推送会议副本${copy ? quoted(zh, copy) : ''}：审查决定 ${decisions} 项，属性修改 ${edits} 宗${conflicts ? `，冲突 ${conflicts} 处待复核` : ''}`
        : `pushed meeting copy${copy ? ` ${quoted(zh, copy)}` : ''}: ${decisions} decision(s), ${edits} attribute edit(s)${conflicts ? `, ${conflicts} conflict(s) to review` : ''}`;
    }
    case 'role-grant':
    case 'role-revoke': {
      const login = str(d.login) ?? '';
      const role = isProjectRole(d.role) ? PROJECT_ROLE_LABEL[d.role] : undefined;
      const name = str(d.roleName);
      const what = zh ? `${role?.zh ?? str(d.role) ?? ''}${name ? `（${name}）` : ''}` : `${role?.en ?? str(d.role) ?? ''}${name ? ` (${name})` : ''}`;
      if (entry.action === 'role-grant') return zh ? `授予登录 ${login} 项目角色：${what}` : `granted login ${login} the project role ${what}`;
      return zh ? `撤销登录 ${login} 的项目角色：${what}` : `revoked the project role ${what} from login ${login}`;
    }
    case 'display-name':
      return zh ? `将显示名设为${quoted(zh, str(d.name) ?? '')}` : `set the display name to ${quoted(zh, str(d.name) ?? '')}`;
    default:
      return entry.action;
  }
}

/** "张三（zhangsan）" when the account has a display name, else the account alone. */
export function auditActor(account: string, displayNames: Readonly<Record<string, string>>): string {
  const name = displayNames[account];
  return name && name !== account ? `${name}（${account}）` : account;
}
