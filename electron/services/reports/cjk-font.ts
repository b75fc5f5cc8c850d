/**
 * Where the Chinese font for reports is, on the machine the app runs on: the bureaus' Windows
 * workstations have 微软雅黑 / 宋体 / 黑体 in %WINDIR%\Fonts, macOS has PingFang, Linux desktops
 * WenQuanYi or Noto CJK. When none is there (a stripped-down Windows image, a fresh Linux box)
 * the app's own copy of 思源黑体 (Noto Sans SC, SIL OFL, from the @embedpdf/fonts-sc package)
 * is used, so a report can always be made. pdfkit embeds the font, so the PDF reads the same
 * everywhere; the PDF names the font it used.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, win32 } from 'node:path';
import { appRoot } from '../app-root';

export interface CjkFont {
  path: string;
  /** The face inside a .ttc collection (pdfkit needs it); absent for single-face files. */
  face?: string;
  /** The font's name as the report prints it (字体：…). */
  name: string;
  /** system: found in the platform's font folders; bundled: the app's own copy; configured: LANDGATE_CJK_FONT. */
  source: 'system' | 'bundled' | 'configured';
}

/**
 * Candidates in order of preference for a platform. `root` is where the macOS / Linux file system
 * starts (a mounted image, a test's folder); Windows fonts follow %WINDIR%.
 */
export function cjkFontCandidates(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, root = '/'): CjkFont[] {
  const system = (path: string, name: string, face?: string): CjkFont => ({ path: platform === 'win32' ? path : join(root, path), name, source: 'system', ...(face ? { face } : {}) });
  if (platform === 'win32') {
    const fonts = win32.join(env.WINDIR || env.SystemRoot || 'C:\\Windows', 'Fonts');
    return [
      system(win32.join(fonts, 'msyh.ttc'), '微软雅黑', 'MicrosoftYaHei'),
      system(win32.join(fonts, 'simsun.ttc'), '宋体', 'SimSun'),
      system(win32.join(fonts, 'simhei.ttf'), '黑体'),
    ];
  }
  if (platform === 'darwin') {
    return [
      system('/System/Library/Fonts/PingFang.ttc', '苹方', 'PingFangSC-Regular'),
      system('/System/Library/Fonts/STHeiti Light.ttc', '华文黑体', 'STHeitiSC-Light'),
      system('/Library/Fonts/Arial Unicode.ttf', 'Arial Unicode MS'),
    ];
  }
  return [
    system('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', '文泉驿微米黑', 'WenQuanYiMicroHei'),
    system('/usr/share/fonts/wqy-microhei/wqy-microhei.ttc', '文泉驿微米黑', 'WenQuanYiMicroHei'),
    system('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', 'Noto Sans CJK SC', 'NotoSansCJKsc-Regular'),
    system('/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc', 'Noto Sans CJK SC', 'NotoSansCJKsc-Regular'),
  ];
}

export const BUNDLED_FONT_NAME = '思源黑体 Noto Sans SC（随附）';

/** The app's own Chinese font (from node_modules, inside the installed app too); null when the package is missing. */
export function bundledCjkFont(): CjkFont | null {
  try {
    // The package exports only its index; the fonts sit beside dist/ in the package folder.
    const entry = createRequire(join(appRoot(), 'package.json')).resolve('@embedpdf/fonts-sc');
    return { path: join(dirname(entry), '..', 'fonts', 'NotoSansHans-Regular.otf'), name: BUNDLED_FONT_NAME, source: 'bundled' };
  } catch {
    return null;
  }
}

export interface CjkFontLookup {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  exists?: (path: string) => boolean;
  /** Where the macOS / Linux file system starts (default /). */
  root?: string;
  /** The fallback when no system font is found (default: the bundled font; null: none). */
  bundled?: CjkFont | null;
}

/**
 * The first font that exists: LANDGATE_CJK_FONT when set (another distribution, a font the bureau
 * prefers; its face with LANDGATE_CJK_FONT_FACE when it is a collection), else the platform's
 * fonts, else the bundled one.
 */
export function findCjkFont(options: CjkFontLookup = {}): { found: CjkFont | null; tried: string[] } {
  const env = options.env ?? process.env;
  const exists = options.exists ?? existsSync;
  const explicit = env.LANDGATE_CJK_FONT;
  const candidates: CjkFont[] = explicit
    ? [{ path: explicit, name: explicit.split(/[\\/]/).pop() ?? explicit, source: 'configured', ...(env.LANDGATE_CJK_FONT_FACE || /\.ttc$/i.test(explicit) ? { face: env.LANDGATE_CJK_FONT_FACE || 'WenQuanYiMicroHei' } : {}) }]
    : cjkFontCandidates(options.platform ?? process.platform, env, options.root);
  const bundled = options.bundled === undefined ? bundledCjkFont() : options.bundled;
  if (bundled) candidates.push(bundled);
  return { found: candidates.find((c) => exists(c.path)) ?? null, tried: candidates.map((c) => c.path) };
}
