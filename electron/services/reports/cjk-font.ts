/**
 * Where the Chinese font for reports is, on the machine the app runs on: the bureaus' Windows
 * workstations have 微软雅黑 / 宋体 / 黑体 in %WINDIR%\Fonts, macOS has PingFang, Linux desktops
 * WenQuanYi or Noto CJK. pdfkit embeds the font, so the PDF reads the same everywhere.
 */
import { existsSync } from 'node:fs';
import { posix, win32 } from 'node:path';

export interface CjkFont {
  path: string;
  /** The face inside a .ttc collection (pdfkit needs it); absent for single-face files. */
  face?: string;
}

/** Candidates in order of preference for a platform. */
export function cjkFontCandidates(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): CjkFont[] {
  if (platform === 'win32') {
    const fonts = win32.join(env.WINDIR || env.SystemRoot || 'C:\\Windows', 'Fonts');
    return [
      { path: win32.join(fonts, 'msyh.ttc'), face: 'MicrosoftYaHei' },
      { path: win32.join(fonts, 'simsun.ttc'), face: 'SimSun' },
      { path: win32.join(fonts, 'simhei.ttf') },
    ];
  }
  if (platform === 'darwin') {
    return [
      { path: '/System/Library/Fonts/PingFang.ttc', face: 'PingFangSC-Regular' },
      { path: '/System/Library/Fonts/STHeiti Light.ttc', face: 'STHeitiSC-Light' },
      { path: '/Library/Fonts/Arial Unicode.ttf' },
    ];
  }
  return [
    { path: posix.join('/usr/share/fonts/truetype/wqy', 'wqy-microhei.ttc'), face: 'WenQuanYiMicroHei' },
    { path: '/usr/share/fonts/wqy-microhei/wqy-microhei.ttc', face: 'WenQuanYiMicroHei' },
    { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
    { path: '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  ];
}

/**
 * The first font that exists. LANDGATE_CJK_FONT names one explicitly (another distribution, a
 * font the bureau prefers; its face with LANDGATE_CJK_FONT_FACE when it is a collection).
 */
export function findCjkFont(options: { platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv; exists?: (path: string) => boolean } = {}): { found: CjkFont | null; tried: string[] } {
  const env = options.env ?? process.env;
  const exists = options.exists ?? existsSync;
  const explicit = env.LANDGATE_CJK_FONT;
  const candidates: CjkFont[] = explicit
    ? [{ path: explicit, face: env.LANDGATE_CJK_FONT_FACE || (/\.ttc$/i.test(explicit) ? 'WenQuanYiMicroHei' : undefined) }]
    : cjkFontCandidates(options.platform ?? process.platform, env);
  return { found: candidates.find((c) => exists(c.path)) ?? null, tried: candidates.map((c) => c.path) };
}
