/**
 * The Chinese report font is looked up per platform, in the font folders each system has, and
 * falls back to the font the app ships when the machine has none.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLED_FONT_NAME, bundledCjkFont, findCjkFont } from '../../electron/services/reports/cjk-font';

const only = (...paths: string[]) => (path: string) => paths.includes(path);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A folder standing for a machine's disk, with the given font files (empty files: only their presence matters to the lookup). */
function fakeDisk(...files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'landgate-fonts-'));
  dirs.push(dir);
  for (const file of files) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), '');
  }
  return dir;
}

/** A Windows drive C: held in a folder of this machine. */
const driveC = (disk: string) => (path: string) => /^C:\\/i.test(path) && existsSync(join(disk, ...path.slice(3).split('\\')));

describe('findCjkFont', () => {
  it('finds 微软雅黑 in %WINDIR%\\Fonts on Windows, whatever drive Windows is on', () => {
    const { found } = findCjkFont({ platform: 'win32', env: { WINDIR: 'D:\\WINDOWS' }, exists: only('D:\\WINDOWS\\Fonts\\msyh.ttc', 'D:\\WINDOWS\\Fonts\\simsun.ttc') });
    expect(found).toEqual({ path: 'D:\\WINDOWS\\Fonts\\msyh.ttc', face: 'MicrosoftYaHei', name: '微软雅黑', source: 'system' });
  });

  it('falls back to 宋体 then 黑体 on Windows', () => {
    expect(findCjkFont({ platform: 'win32', env: {}, exists: only('C:\\Windows\\Fonts\\simsun.ttc') }).found).toMatchObject({ path: 'C:\\Windows\\Fonts\\simsun.ttc', face: 'SimSun', name: '宋体' });
    expect(findCjkFont({ platform: 'win32', env: {}, exists: only('C:\\Windows\\Fonts\\simhei.ttf') }).found).toMatchObject({ path: 'C:\\Windows\\Fonts\\simhei.ttf', name: '黑体' });
  });

  it('finds the system font in a real font folder on each platform', () => {
    const windows = fakeDisk('WINDOWS/Fonts/simsun.ttc');
    expect(findCjkFont({ platform: 'win32', env: { WINDIR: 'C:\\WINDOWS' }, exists: driveC(windows) }).found).toMatchObject({ path: 'C:\\WINDOWS\\Fonts\\simsun.ttc', name: '宋体', source: 'system' });
    const mac = fakeDisk('System/Library/Fonts/PingFang.ttc');
    expect(findCjkFont({ platform: 'darwin', env: {}, root: mac }).found).toMatchObject({ face: 'PingFangSC-Regular', name: '苹方', source: 'system' });
    const noto = fakeDisk('usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc');
    expect(findCjkFont({ platform: 'linux', env: {}, root: noto }).found).toMatchObject({ face: 'NotoSansCJKsc-Regular', source: 'system' });
    const wqy = fakeDisk('usr/share/fonts/truetype/wqy/wqy-microhei.ttc', 'usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc');
    expect(findCjkFont({ platform: 'linux', env: {}, root: wqy }).found).toMatchObject({ face: 'WenQuanYiMicroHei', name: '文泉驿微米黑' });
  });

  it('searches the font folders the platform defines: XDG data directories and the user’s own fonts', () => {
    // a distribution that installs under /opt/share, named by XDG_DATA_DIRS
    const opt = fakeDisk('opt/share/fonts/truetype/wqy/wqy-microhei.ttc');
    expect(findCjkFont({ platform: 'linux', env: { XDG_DATA_DIRS: '/opt/share' }, root: opt, bundled: null }).found).toMatchObject({ name: '文泉驿微米黑', source: 'system' });
    expect(findCjkFont({ platform: 'linux', env: {}, root: opt, bundled: null }).found).toBeNull();
    // a font the user installed for themselves
    const user = fakeDisk('home/zhang/.local/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc');
    expect(findCjkFont({ platform: 'linux', env: { HOME: '/home/zhang' }, root: user, bundled: null }).found).toMatchObject({ name: 'Noto Sans CJK SC' });
    const macUser = fakeDisk('Users/zhang/Library/Fonts/PingFang.ttc');
    expect(findCjkFont({ platform: 'darwin', env: { HOME: '/Users/zhang' }, root: macUser, bundled: null }).found).toMatchObject({ name: '苹方' });
  });

  it('uses the bundled 思源黑体 when a platform has no Chinese font, and it is a real font file', () => {
    const bundled = bundledCjkFont();
    expect(bundled).not.toBeNull();
    const windows = driveC(fakeDisk('Windows/Fonts/arial.ttf'));
    const exists = (path: string) => (path.startsWith('C:') ? windows(path) : existsSync(path));
    for (const [platform, root] of [
      ['win32', undefined],
      ['darwin', fakeDisk('System/Library/Fonts/Helvetica.ttc')],
      ['linux', fakeDisk('usr/share/fonts/truetype/dejavu/DejaVuSans.ttf')],
    ] as const) {
      const { found, tried } = findCjkFont({ platform, env: {}, root, exists });
      expect(found, platform).toEqual(bundled);
      expect(found?.source).toBe('bundled');
      expect(found?.name).toBe(BUNDLED_FONT_NAME);
      expect(tried[tried.length - 1]).toBe(bundled!.path);
    }
  });

  it('says which files it tried when there is none, and honours LANDGATE_CJK_FONT', () => {
    const none = findCjkFont({ platform: 'win32', env: {}, exists: () => false, bundled: null });
    expect(none.found).toBeNull();
    expect(none.tried).toEqual(['C:\\Windows\\Fonts\\msyh.ttc', 'C:\\Windows\\Fonts\\simsun.ttc', 'C:\\Windows\\Fonts\\simhei.ttf']);
    expect(findCjkFont({ platform: 'win32', env: { LANDGATE_CJK_FONT: 'E:\\字体\\方正.ttf' }, exists: () => true }).found).toEqual({ path: 'E:\\字体\\方正.ttf', name: '方正.ttf', source: 'configured' });
  });
});
