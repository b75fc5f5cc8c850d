import type { ParcelAttributesResponse } from '../../../shared/api/contract';
import { SEVERITY_LABEL_ZH, VERDICT_LABEL_ZH } from '../../../shared/model/check';
import { UserInputError } from '../../../shared/model/errors';
import { attributeValueZh, type EditableParcelKey, type ParcelAttributeChanges } from '../../../shared/model/parcel-attributes';
import { useCodeName2023 } from '../../../shared/landuse/codes-2023';
import { CheckService } from '../../services/check/check-service';
import { getParcelAttributes, setParcelAttributes } from '../../services/parcel-attributes';
import { resolveProfile } from '../../services/profiles';
import { ProjectStore } from '../../services/project-store';
import { requireExistingProject } from './util';
import type { CommandSpec } from './types';

/** Option → attribute; the values are those of rules.md §1.2, Chinese labels accepted. */
const SET_OPTIONS: Record<string, EditableParcelKey> = {
  'planned-use': 'plannedUse',
  'current-use': 'currentUse',
  action: 'action',
  'soil-survey': 'soilSurvey',
  risk: 'riskAssessment',
  'toxic-history': 'toxicHistory',
  'project-type': 'projectType',
  name: 'name',
};

function showText(view: ParcelAttributesResponse): string {
  const lines = [`地块 ${view.parcel.id}（图层 ${view.parcel.table}）`];
  for (const a of view.attributes) {
    const name = a.kind === 'land-use' && a.scheme === '2023' && typeof a.value === 'string' ? useCodeName2023(a.value) : undefined;
    lines.push(`${a.labelZh}：${a.valueZh}${name ? ` ${name}` : ''}`);
  }
  if (view.useScheme) lines.push(`用地分类标准（声明）：${view.useScheme}`);
  lines.push(`最近一次审查结论：${view.parcel.verdict ? VERDICT_LABEL_ZH[view.parcel.verdict] : '尚未审查'}`);
  if (!view.editable) lines.push(`不可编辑：${view.lockedReasonZh}`);
  return `${lines.join('\n')}\n`;
}

export const parcelCommand: CommandSpec = {
  usage:
    'landgate parcel show <project.gpkg> <报件图层> <地块编号> [--format text|json]\n' +
    '       landgate parcel set <project.gpkg> <报件图层> <地块编号> [--planned-use 代码] [--current-use 代码] [--action 拟办事项] [--soil-survey 调查状况] [--risk 风险评估] [--toxic-history yes|no] [--project-type t1,t2|none] [--name 名称] [--profile 配置]\n' +
    '  用地代码：用地用海分类 2023（如 0701），或 GB/T 21010-2017、三调（如 08H2A）、GB 50137（如 R2）代码\n' +
    '  --action：supply 供应、recover 收回、acquire 收购/征收、change-use 改变用途、transfer 转让、construct 开工建设、reclaim 复垦\n' +
    '  --soil-survey：none 未开展、in-progress 进行中、passed 调查通过、exceeds 超筛选值；--risk：none、acceptable 风险可接受、unacceptable 风险不可接受\n' +
    '  --project-type：catering 餐饮、air-polluting 涉气、discharging 排放污染物、heavy-water-polluting 严重污染水体、soil-polluting 可能造成土壤污染、water-supply 供水/水源保护设施、food-processing 食品加工储存，逗号分隔；none / 无 / 不涉及 = 均不涉及\n' +
    '  空值（""）表示清除该项（未知）。给出 --profile 时修改后立即重新审查该地块；未给出则不审查',
  summary: '查看或修改报件地块的属性（规划用途、现状用途、拟办事项、土壤调查、风险评估、有毒有害物质、项目类型、名称），修改逐项记入审计日志。',
  options: {
    format: { type: 'string' },
    profile: { type: 'string' },
    ...Object.fromEntries(Object.keys(SET_OPTIONS).map((option) => [option, { type: 'string' as const }])),
  },
  positionals: [4, 4],
  async run([action, projectPath, table, parcelId], values, io) {
    if (action !== 'show' && action !== 'set') {
      throw new UserInputError('cli.parcel-action', `未知的操作“${action}”，可用：show、set。`, `Unknown parcel action "${action}" (show, set).`);
    }
    requireExistingProject(projectPath);
    if (action === 'show') {
      const format = values.format ?? 'text';
      if (format !== 'text' && format !== 'json') throw new UserInputError('cli.format', `--format 只能是 text 或 json，不能是“${String(format)}”。`, `--format must be text or json.`);
      const store = ProjectStore.open(projectPath, { readonly: true });
      try {
        const view = getParcelAttributes(store, { table, parcelId });
        io.out(format === 'json' ? `${JSON.stringify(view, null, 2)}\n` : showText(view));
      } finally {
        store.close();
      }
      return;
    }
    const changes: ParcelAttributeChanges = {};
    for (const [option, key] of Object.entries(SET_OPTIONS)) {
      const value = values[option];
      if (typeof value === 'string') changes[key] = value;
    }
    if (Object.keys(changes).length === 0) {
      throw new UserInputError('cli.parcel-no-changes', `未给出要修改的属性。可用：${Object.keys(SET_OPTIONS).map((o) => `--${o}`).join('、')}。`, `No attribute to set; use ${Object.keys(SET_OPTIONS).map((o) => `--${o}`).join(', ')}.`);
    }
    const store = ProjectStore.open(projectPath);
    try {
      // an unknown profile is refused before anything is written
      const profile = typeof values.profile === 'string' ? resolveProfile(values.profile, store) : null;
      const { parcel, changed } = setParcelAttributes(store, { table, parcelId, changes });
      if (changed.length === 0) io.out(`地块 ${parcel.id}：所给的值与现有值相同，未改动。\n`);
      else {
        io.out(`地块 ${parcel.id}（图层 ${parcel.table}）已修改：\n`);
        for (const c of changed) io.out(`  ${c.labelZh}：${attributeValueZh(c.key, c.old)} → ${attributeValueZh(c.key, c.new)}\n`);
      }
      if (!profile) {
        io.out('未给出 --profile，未重新审查；审查结论可能已不符合修改后的属性，请用 landgate check 或加 --profile 重新审查。\n');
        return;
      }
      const report = await new CheckService(store, { worker: false }).checkParcel(parcel.table, parcel.id, profile, 'cli');
      const result = report.parcels[0];
      io.out(`重新审查（${profile.name}）：${VERDICT_LABEL_ZH[result.verdict]}\n`);
      for (const f of result.findings) io.out(`  - 【${SEVERITY_LABEL_ZH[f.severity]}】${f.message}\n`);
    } finally {
      store.close();
    }
  },
};
