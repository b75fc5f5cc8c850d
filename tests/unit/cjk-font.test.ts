/** The Chinese report font is looked up per platform, in the font folders each system has. */
import { describe, expect, it } from 'vitest';
import { findCjkFont } from '../../electron/services/reports/cjk-font';

const only = (...paths: string[]) => (path: string) => paths.includes(path);

describe('findCjkFont', () => {
  it('finds 微软雅黑 in %WINDIR%\\Fonts on Windows, whatever drive Windows is on', () => {
    const { found } = findCjkFont({ platform: 'win32', env: { WINDIR: 'D:\\WINDOWS' }, exists: only('D:\\WINDOWS\\Fonts\\msyh.ttc', 'D:\\WINDOWS\\Fonts\\simsun.ttc') });
    expect(found).toEqual({ path: 'D:\\WINDOWS\\Fonts\\msyh.ttc', face: 'MicrosoftYaHei' });
  });

  it('falls back to 宋体 then 黑体 on Windows', () => {
    expect(findCjkFont({ platform: 'win32', env: {}, exists: only('C:\\Windows\\Fonts\\simsun.ttc') }).found).toEqual({ path: 'C:\\Windows\\Fonts\\simsun.ttc', face: 'SimSun' });
    expect(findCjkFont({ platform: 'win32', env: {}, exists: only('C:\\Windows\\Fonts\\simhei.ttf') }).found).toEqual({ path: 'C:\\Windows\\Fonts\\simhei.ttf' });
  });

  it('finds PingFang on macOS and WenQuanYi or Noto CJK on Linux', () => {
    expect(findCjkFont({ platform: 'darwin', env: {}, exists: only('/System/Library/Fonts/PingFang.ttc') }).found?.face).toBe('PingFangSC-Regular');
    expect(findCjkFont({ platform: 'linux', env: {}, exists: only('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc') }).found?.face).toBe('NotoSansCJKsc-Regular');
    expect(findCjkFont({ platform: 'linux', env: {}, exists: only('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc') }).found?.face).toBe('WenQuanYiMicroHei');
  });

  it('says which files it tried when there is none, and honours LANDGATE_CJK_FONT', () => {
    const none = findCjkFont({ platform: 'win32', env: {}, exists: () => false });
    expect(none.found).toBeNull();
    expect(none.tried).toEqual(['C:\\Windows\\Fonts\\msyh.ttc', 'C:\\Windows\\Fonts\\simsun.ttc', 'C:\\Windows\\Fonts\\simhei.ttf']);
    expect(findCjkFont({ platform: 'win32', env: { LANDGATE_CJK_FONT: 'E:\\字体\\方正.ttf' }, exists: () => true }).found).toEqual({ path: 'E:\\字体\\方正.ttf', face: undefined });
  });
});
