/**
 * UI strings of the review workbench and presentation mode (zh-CN first, English second), kept
 * beside the components so the shared catalogue (renderer/i18n) stays small; `rt` follows the
 * active locale of renderer/i18n.
 */
import { getLocale } from '../i18n';
import { STATUS_LABEL_EN, STATUS_LABEL_ZH, type DecisionKind, type SubmissionStatus } from '../../shared/review/model';

const MESSAGES = {
  'wb.open': ['报件审查', 'Review'],
  'wb.close': ['关闭审查', 'Close review'],
  'wb.present': ['汇报模式', 'Present'],
  'wb.tab.list': ['报件列表', 'Submissions'],
  'wb.tab.review': ['地块审查', 'Parcel review'],
  'wb.tab.audit': ['审计日志', 'Audit trail'],
  'wb.search': ['搜索编号、名称、申请单位', 'Search id, name, applicant'],
  'wb.status.all': ['全部状态', 'All statuses'],
  'wb.sort': ['排序', 'Sort'],
  'wb.sort.received': ['收件日期', 'Received'],
  'wb.sort.checked': ['审查时间', 'Checked'],
  'wb.sort.title': ['报件名称', 'Title'],
  'wb.sort.status': ['状态', 'Status'],
  'wb.col.title': ['报件', 'Submission'],
  'wb.col.applicant': ['申请单位', 'Applicant'],
  'wb.col.received': ['收件', 'Received'],
  'wb.col.profile': ['规则', 'Profile'],
  'wb.col.verdict': ['系统结论', 'Verdict'],
  'wb.col.status': ['状态', 'Status'],
  'wb.none': ['没有符合条件的报件', 'No matching submissions'],
  'wb.pick': ['请在报件列表或地块列表中选择地块', 'Pick a parcel in the submission or parcel list'],
  'wb.checking': ['正在审查…', 'Checking…'],
  'wb.verdict': ['系统审查结论', 'System verdict'],
  'wb.area': ['地块面积', 'Parcel area'],
  'wb.findings': ['审查发现', 'Findings'],
  'wb.noFindings': ['未发现限制准入的情形', 'No restricting findings'],
  'wb.overlaps': ['重叠分析表', 'Overlap table'],
  'wb.noOverlaps': ['与参考图层无重叠', 'No overlaps with reference layers'],
  'wb.ov.layer': ['图层', 'Layer'],
  'wb.ov.feature': ['要素', 'Feature'],
  'wb.ov.pct': ['占地块 %', '% of parcel'],
  'wb.basis': ['依据', 'Basis'],
  'wb.decision': ['审查意见与决定', 'Opinion and decision'],
  'wb.opinion': ['审查意见', 'Opinion'],
  'wb.conditions': ['准入条件（每行一条）', 'Conditions (one per line)'],
  'wb.decisionKind': ['审查决定', 'Decision'],
  'wb.signer': ['审查人', 'Reviewer'],
  'wb.department': ['部门', 'Department'],
  'wb.date': ['签发日期', 'Date'],
  'wb.sign': ['签发', 'Sign'],
  'wb.signRevision': ['签发修订版', 'Sign revision'],
  'wb.revise': ['修订决定', 'Revise decision'],
  'wb.revisionReason': ['修订理由', 'Reason for revision'],
  'wb.signed': ['已签发：{decision}（第 {revision} 版，{name}，{date}）', 'Signed: {decision} (revision {revision}, {name}, {date})'],
  'wb.signedImmutable': ['已签发的决定不可修改；修订将生成新版本并引用原决定。', 'A signed decision cannot change; a revision creates a new version referencing it.'],
  'wb.history': ['修订记录', 'Revision history'],
  'wb.noHistory': ['尚未签发', 'Not signed yet'],
  'wb.supersedes': ['修订第 {n} 版', 'supersedes rev. {n}'],
  'wb.export': ['导出', 'Export'],
  'wb.exportPdf': ['导出审查意见书 PDF', 'Export review PDF'],
  'wb.exportXlsx': ['导出月度调度表 XLSX', 'Export monthly XLSX'],
  'wb.month': ['月份', 'Month'],
  'wb.authority': ['出具机关（页眉）', 'Issuing authority (header)'],
  'wb.authorityHint': ['留空则用项目名称', 'Blank: the project title'],
  'wb.exported': ['已导出 {file}', 'Exported {file}'],
  'wb.audit.parcel': ['本地块', 'This parcel'],
  'wb.audit.project': ['整个项目', 'Whole project'],
  'wb.audit.ok': ['日志完整性校验通过（哈希链与签发记录一致）', 'Integrity verified (hash chain and signed decisions)'],
  'wb.audit.bad': ['完整性校验失败', 'Integrity check FAILED'],
  'wb.audit.time': ['时间', 'Time'],
  'wb.audit.user': ['用户', 'User'],
  'wb.audit.action': ['操作', 'Action'],
  'wb.audit.detail': ['内容', 'Detail'],
  'wb.count': ['共 {count} 件', '{count} in total'],
  'pr.title': ['审查会汇报', 'Review meeting'],
  'pr.exit': ['退出（Esc）', 'Exit (Esc)'],
  'pr.of': ['第 {n} / {total} 宗', '{n} of {total}'],
  'pr.prev': ['上一宗', 'Previous'],
  'pr.next': ['下一宗', 'Next'],
  'pr.notChecked': ['尚未审查', 'Not checked'],
  'pr.keys': ['← → 翻页，Esc 退出', '← → to page, Esc to exit'],
  'pr.maxOverlap': ['最大重叠', 'Largest overlap'],
  'pr.nearest': ['最近距离', 'Nearest'],
  'pr.empty': ['没有报件地块', 'No parcels'],
} as const satisfies Record<string, readonly [string, string]>;

export type ReviewMessageKey = keyof typeof MESSAGES;

export function rt(key: ReviewMessageKey, params?: Record<string, string | number>): string {
  const text: string = MESSAGES[key][getLocale() === 'zh-CN' ? 0 : 1];
  return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (params[name] !== undefined ? String(params[name]) : m)) : text;
}

export const statusLabel = (status: SubmissionStatus) => (getLocale() === 'zh-CN' ? STATUS_LABEL_ZH : STATUS_LABEL_EN)[status];

const DECISION_ZH: Record<DecisionKind, string> = { approved: '准予准入', conditional: '有条件准予', rejected: '不予准入', returned: '退回补正' };
const DECISION_EN: Record<DecisionKind, string> = { approved: 'Approve', conditional: 'Approve with conditions', rejected: 'Reject', returned: 'Return for correction' };
export const decisionLabel = (d: DecisionKind) => (getLocale() === 'zh-CN' ? DECISION_ZH : DECISION_EN)[d];

const ACTION_ZH: Record<string, string> = {
  create: '创建项目',
  import: '导入图层',
  'import-warnings': '导入提示',
  check: '审查',
  submission: '登记报件',
  decision: '签发决定',
  'decision-revision': '修订决定',
  export: '导出',
  'package-import': '导入审查包',
};
export const auditActionLabel = (action: string) => (getLocale() === 'zh-CN' ? ACTION_ZH[action] ?? action : action);
