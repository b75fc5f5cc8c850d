import { UserInputError } from '../../../shared/model/errors';
import type { BBox } from '../../../shared/model/layers';
import { pullMeetingCopy, pushMeetingCopy } from '../../services/sync/meeting-copy';
import { requireExistingProject, requireGpkgName, requireNewFile } from './util';
import type { CommandSpec } from './types';

const isUrl = (location: string) => /^postgres(ql)?:\/\//i.test(location);

function parseBbox(value: unknown): BBox | undefined {
  if (value === undefined) return undefined;
  const parts = String(value).split(/[,，\s]+/).filter(Boolean).map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)) || parts[0] >= parts[2] || parts[1] >= parts[3] || parts[0] < -180 || parts[2] > 180 || parts[1] < -90 || parts[3] > 90) {
    throw new UserInputError('sync.bbox', `范围 --bbox “${String(value)}”无效，应为 西,南,东,北（CGCS2000 经纬度，如 111.1,35.0,111.4,35.3）。`, `Invalid --bbox "${String(value)}": west,south,east,north in degrees.`);
  }
  return parts as BBox;
}

function parseSubmissions(value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  const list = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(/[,，\s]+/)).filter(Boolean);
  const ids = list.map(Number);
  const bad = list.filter((_, i) => !Number.isSafeInteger(ids[i]) || ids[i] <= 0);
  if (bad.length) throw new UserInputError('sync.submission', `报件编号“${bad.join('、')}”无效，应为正整数（landgate parcel … 或审查工作台中的报件编号）。`, `Invalid submission id(s): ${bad.join(', ')}.`);
  return ids;
}

export const syncCommand: CommandSpec = {
  usage: 'landgate sync pull <共享项目地址|project.gpkg> <会议副本.gpkg> [--submission <报件编号>…] [--bbox 西,南,东,北] | landgate sync push <会议副本.gpkg> <共享项目地址|project.gpkg>',
  summary:
    '离线会议：pull 把所选报件（或范围内的地块，缺省为全部）连同周边参考图层、审查规则配置、最近审查结果和已签发决定取到笔记本上的会议副本；push 把会议中签发的决定（作为新版本，保留签发人与时间）和属性修改带回共享项目。两处都作了决定的地块两版都保留并标为待复核，两处都改了的属性不覆盖。',
  options: { submission: { type: 'string', multiple: true }, bbox: { type: 'string' } },
  positionals: [3, 3],
  async run([direction, from, to], values, io) {
    if (direction === 'pull') {
      if (!isUrl(from)) requireExistingProject(from);
      requireGpkgName(to);
      requireNewFile(to);
      const result = pullMeetingCopy(from, to, { submissions: parseSubmissions(values.submission), bbox: parseBbox(values.bbox) });
      io.out(`已取出会议副本 ${to}：报件 ${result.submissions} 件，地块 ${result.parcels} 宗，审查决定 ${result.decisions} 项。\n`);
      for (const layer of result.layers) io.out(`  ${layer.title}：${layer.features} 个要素\n`);
      return;
    }
    if (direction === 'push') {
      if (values.submission !== undefined || values.bbox !== undefined) {
        throw new UserInputError('sync.push-options', 'push 不接受 --submission / --bbox：会议副本中的全部决定和修改都会推送。', 'push takes no --submission/--bbox.');
      }
      requireExistingProject(from);
      if (!isUrl(to)) requireExistingProject(to);
      const result = pushMeetingCopy(from, to);
      io.out(`已推送会议副本 ${from}：审查决定 ${result.decisions} 项，属性修改 ${result.attributeEdits} 宗${result.alreadyPushed ? `，已推送过的 ${result.alreadyPushed} 项未重复写入` : ''}。\n`);
      if (result.skipped.length) io.out(`共享项目中没有的地块，未推送：${[...new Set(result.skipped)].join('、')}\n`);
      if (result.conflicts.length) {
        io.out(`待复核的冲突 ${result.conflicts.length} 处：\n`);
        for (const c of result.conflicts) io.out(`  ${c.message}\n`);
      }
      return;
    }
    throw new UserInputError('sync.direction', `未知的同步方向“${direction}”：应为 pull（取出会议副本）或 push（推送会议副本）。`, `Unknown sync direction "${direction}" (pull or push).`);
  },
};
