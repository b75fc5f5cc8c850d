/**
 * Texts of the profile editor and the sweep panel (issue 4), zh-CN first, English second. Kept
 * next to the components (like renderer/review/messages.ts) so the shared catalogues stay small.
 */
import { getLocale } from '../i18n';

const zh = {
  'sweep.title': '全部审查',
  'sweep.start': '全部审查',
  'sweep.hint': '按当前审查规则审查项目中的全部报件地块（违规开发利用清零），结果写入审查记录',
  'sweep.running': '正在审查 {done}/{total}',
  'sweep.done': '已审查 {total} 个地块，用时 {seconds} 秒；审查记录 {ids}',
  'sweep.failed': '全部审查失败：{error}',
  'sweep.prohibited': '不予准入',
  'sweep.conditional': '有条件准入',
  'sweep.permitted': '准予准入',
  'sweep.noProfile': '请先选择审查规则',
  'editor.open': '复制/编辑规则',
  'editor.titleCopy': '复制审查规则：{name}',
  'editor.titleEdit': '编辑项目审查规则：{name}',
  'editor.builtinNote': '内置规则不能直接修改；保存后将作为新的项目规则（随项目文件保存），记录其来源 {id}。',
  'editor.projectNote': '项目规则保存在项目文件中；内容改变时版本号自动递增，已有审查记录仍指向原版本。',
  'editor.id': '标识（id）',
  'editor.name': '名称',
  'editor.version': '版本',
  'editor.basedOn': '基于',
  'editor.rules': '启用的规则',
  'editor.parameters': '参数',
  'editor.save': '保存',
  'editor.cancel': '取消',
  'editor.saving': '正在保存…',
  'editor.saved': '已保存规则 {name}（{id}，版本 {version}）',
  'editor.loading': '正在读取规则…',
  'editor.none': '（不启用）',
  'param.minOverlapM2': '最小重叠面积（m²）',
  'param.adjacencyM': '邻近名录地块距离（m）',
  'param.heatBandM': '清洁取暖高程带（m）',
  'param.stationBufferM': '监测站点缓冲（m）',
  'param.urbanAirBufferM': '市区建成区涉气项目距离（m）',
  'param.countyAirBufferM': '县城建成区涉气项目距离（m）',
  'param.riverGreenMain': '干流生态缓冲带（m）',
  'param.riverGreenTributary': '支流生态缓冲带（m）',
  'param.riverAgri': '{river} 限制农药化肥距离（m）',
};

type Key = keyof typeof zh;

const en: Record<Key, string> = {
  'sweep.title': 'Sweep',
  'sweep.start': 'Check all parcels',
  'sweep.hint': 'Check every parcel of the project with the profile in force; results are recorded',
  'sweep.running': 'Checking {done}/{total}',
  'sweep.done': 'Checked {total} parcels in {seconds} s; check records {ids}',
  'sweep.failed': 'Sweep failed: {error}',
  'sweep.prohibited': 'Prohibited',
  'sweep.conditional': 'Conditional',
  'sweep.permitted': 'Permitted',
  'sweep.noProfile': 'Choose a profile first',
  'editor.open': 'Copy/edit profile',
  'editor.titleCopy': 'Copy profile: {name}',
  'editor.titleEdit': 'Edit project profile: {name}',
  'editor.builtinNote': 'Built-in profiles are read-only; saving creates a project profile (stored in the project file) based on {id}.',
  'editor.projectNote': 'Project profiles live in the project file; the version is bumped when the content changes.',
  'editor.id': 'Id',
  'editor.name': 'Name',
  'editor.version': 'Version',
  'editor.basedOn': 'Based on',
  'editor.rules': 'Enabled rules',
  'editor.parameters': 'Parameters',
  'editor.save': 'Save',
  'editor.cancel': 'Cancel',
  'editor.saving': 'Saving…',
  'editor.saved': 'Saved profile {name} ({id}, version {version})',
  'editor.loading': 'Loading profile…',
  'editor.none': '(off)',
  'param.minOverlapM2': 'Minimum overlap (m²)',
  'param.adjacencyM': 'Adjacency to listed parcels (m)',
  'param.heatBandM': 'Clean-heating elevation band (m)',
  'param.stationBufferM': 'Monitoring-station buffer (m)',
  'param.urbanAirBufferM': 'City built-up air buffer (m)',
  'param.countyAirBufferM': 'County-town air buffer (m)',
  'param.riverGreenMain': 'Main-stream green buffer (m)',
  'param.riverGreenTributary': 'Tributary green buffer (m)',
  'param.riverAgri': '{river} agri-chemical limit (m)',
};

export function pt(key: Key, params: Record<string, string | number> = {}): string {
  const text = (getLocale() === 'en' ? en : zh)[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}
