/**
 * Codes and names of the 用地用海分类 (自然资源部《国土空间调查、规划、用途管制用地用海分类指南》,
 * 2023): the land classes to the second level (and the education sub-classes the school rules
 * name), the sea classes to the first. For pickers and for showing a code's name; whether a code
 * is readable at all is classifyUse's question (codes.ts), not this list's.
 */
export interface UseCodeEntry {
  code: string;
  name: string;
}

export const USE_CODES_2023: readonly UseCodeEntry[] = [
  { code: '01', name: '耕地' }, { code: '0101', name: '水田' }, { code: '0102', name: '水浇地' }, { code: '0103', name: '旱地' },
  { code: '02', name: '园地' }, { code: '0201', name: '果园' }, { code: '0202', name: '茶园' }, { code: '0203', name: '橡胶园地' }, { code: '0204', name: '油料园地' }, { code: '0205', name: '其他园地' },
  { code: '03', name: '林地' }, { code: '0301', name: '乔木林地' }, { code: '0302', name: '竹林地' }, { code: '0303', name: '灌木林地' }, { code: '0304', name: '其他林地' },
  { code: '04', name: '草地' }, { code: '0401', name: '天然牧草地' }, { code: '0402', name: '人工牧草地' }, { code: '0403', name: '其他草地' },
  { code: '05', name: '湿地' }, { code: '0501', name: '森林沼泽' }, { code: '0502', name: '灌丛沼泽' }, { code: '0503', name: '沼泽草地' }, { code: '0504', name: '其他沼泽地' }, { code: '0505', name: '沿海滩涂' }, { code: '0506', name: '内陆滩涂' }, { code: '0507', name: '红树林地' },
  { code: '06', name: '农业设施建设用地' }, { code: '0601', name: '乡村道路用地' }, { code: '0602', name: '种植设施建设用地' }, { code: '0603', name: '畜禽养殖设施建设用地' }, { code: '0604', name: '水产养殖设施建设用地' },
  { code: '07', name: '居住用地' }, { code: '0701', name: '城镇住宅用地' }, { code: '0702', name: '城镇社区服务设施用地' }, { code: '0703', name: '农村宅基地' }, { code: '0704', name: '农村社区服务设施用地' },
  { code: '08', name: '公共管理与公共服务用地' }, { code: '0801', name: '机关团体用地' }, { code: '0802', name: '科研用地' }, { code: '0803', name: '文化用地' }, { code: '0804', name: '教育用地' },
  { code: '080401', name: '高等教育用地' }, { code: '080402', name: '中等职业教育用地' }, { code: '080403', name: '中小学用地' }, { code: '080404', name: '幼儿园用地' }, { code: '080405', name: '其他教育用地' },
  { code: '0805', name: '体育用地' }, { code: '0806', name: '医疗卫生用地' }, { code: '0807', name: '社会福利用地' },
  { code: '09', name: '商业服务业用地' }, { code: '0901', name: '商业用地' }, { code: '0902', name: '商务金融用地' }, { code: '0903', name: '娱乐康体用地' }, { code: '0904', name: '其他商业服务业用地' },
  { code: '10', name: '工矿用地' }, { code: '1001', name: '工业用地' }, { code: '1002', name: '采矿用地' }, { code: '1003', name: '盐田' },
  { code: '11', name: '仓储用地' }, { code: '1101', name: '物流仓储用地' }, { code: '1102', name: '储备库用地' },
  { code: '12', name: '交通运输用地' }, { code: '1201', name: '铁路用地' }, { code: '1202', name: '公路用地' }, { code: '1203', name: '机场用地' }, { code: '1204', name: '港口码头用地' }, { code: '1205', name: '管道运输用地' }, { code: '1206', name: '城市轨道交通用地' }, { code: '1207', name: '城镇道路用地' }, { code: '1208', name: '交通场站用地' }, { code: '1209', name: '其他交通设施用地' },
  { code: '13', name: '公用设施用地' }, { code: '1301', name: '供水用地' }, { code: '1302', name: '排水用地' }, { code: '1303', name: '供电用地' }, { code: '1304', name: '供燃气用地' }, { code: '1305', name: '供热用地' }, { code: '1306', name: '通信用地' }, { code: '1307', name: '邮政用地' }, { code: '1308', name: '广播电视设施用地' }, { code: '1309', name: '环卫用地' }, { code: '1310', name: '消防用地' }, { code: '1311', name: '水工设施用地' }, { code: '1312', name: '其他公用设施用地' },
  { code: '14', name: '绿地与开敞空间用地' }, { code: '1401', name: '公园绿地' }, { code: '1402', name: '防护绿地' }, { code: '1403', name: '广场用地' },
  { code: '15', name: '特殊用地' }, { code: '1501', name: '军事设施用地' }, { code: '1502', name: '使领馆用地' }, { code: '1503', name: '宗教用地' }, { code: '1504', name: '文物古迹用地' }, { code: '1505', name: '监教场所用地' }, { code: '1506', name: '殡葬用地' }, { code: '1507', name: '其他特殊用地' },
  { code: '16', name: '留白用地' },
  { code: '17', name: '陆地水域' }, { code: '1701', name: '河流水面' }, { code: '1702', name: '湖泊水面' }, { code: '1703', name: '水库水面' }, { code: '1704', name: '坑塘水面' }, { code: '1705', name: '沟渠' }, { code: '1706', name: '冰川及常年积雪' },
  { code: '18', name: '渔业用海' }, { code: '19', name: '工矿通信用海' }, { code: '20', name: '交通运输用海' }, { code: '21', name: '游憩用海' }, { code: '22', name: '特殊用海' }, { code: '23', name: '其他海域' },
  { code: '24', name: '其他土地' }, { code: '2401', name: '空闲地' }, { code: '2402', name: '田坎' }, { code: '2403', name: '田间道' }, { code: '2404', name: '盐碱地' }, { code: '2405', name: '沙地' }, { code: '2406', name: '裸土地' }, { code: '2407', name: '裸岩石砾地' },
];

const BY_CODE = new Map(USE_CODES_2023.map((entry) => [entry.code, entry.name]));

/** The 2023 name of a code, when the list has it. */
export function useCodeName2023(code: string): string | undefined {
  return BY_CODE.get(code.trim().toUpperCase());
}
