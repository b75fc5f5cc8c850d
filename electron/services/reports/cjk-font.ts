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

/** Chinese fonts of macOS / Linux, as paths under one of the platform's font folders, in order of preference. */
const UNIX_FONTS: Record<'darwin' | 'linux', { file: string; name: string; face?: string }[]> = {
  darwin: [
    { file: 'PingFang.ttc', name: '苹方', face: 'PingFangSC-Regular' },
    { file: 'STHeiti Light.ttc', name: '华文黑体', face: 'STHeitiSC-Light' },
    { file: 'Arial Unicode.ttf', name: 'Arial Unicode MS' },
  ],
  // the layouts Debian/Ubuntu and Fedora/openSUSE install the fonts-wqy / noto-cjk packages in
  linux: [
    { file: 'truetype/wqy/wqy-microhei.ttc', name: '文泉驿微米黑', face: 'WenQuanYiMicroHei' },
    { file: 'wqy-microhei/wqy-microhei.ttc', name: '文泉驿微米黑', face: 'WenQuanYiMicroHei' },
    { file: 'opentype/noto/NotoSansCJK-Regular.ttc', name: 'Noto Sans CJK SC', face: 'NotoSansCJKsc-Regular' },
    { file: 'google-noto-cjk/NotoSansCJK-Regular.ttc', name: 'Noto Sans CJK SC', face: 'NotoSansCJKsc-Regular' },
  ],
};

/** The XDG Base Directory default when XDG_DATA_DIRS is unset (Linux only), under the file system's root. */
const XDG_DEFAULT_DATA_DIRS: readonly string[][] = [
  ['usr', 'local', 'share'],
  ['usr', 'share'],
];

/**
 * The font folders a platform searches: Windows %WINDIR%\Fonts; macOS the system, local and
 * user Fonts folders; Linux `fonts/` under each XDG data directory (XDG_DATA_HOME, then
 * XDG_DATA_DIRS, defaulting as the XDG spec says). `root` is where a macOS / Linux file system
 * starts (a mounted image, a test's folder).
 */
export function fontDirectories(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, root = '/'): string[] {
  if (platform === 'win32') return [win32.join(env.WINDIR || env.SystemRoot || 'C:\\Windows', 'Fonts')];
  const home = env.HOME ? [env.HOME] : [];
  if (platform === 'darwin') return [join(root, 'System', 'Library', 'Fonts'), join(root, 'Library', 'Fonts'), ...home.map((h) => join(root, h, 'Library', 'Fonts'))];
  const dataHome = env.XDG_DATA_HOME || (env.HOME ? join(env.HOME, '.local', 'share') : '');
  const dataDirs = env.XDG_DATA_DIRS ? env.XDG_DATA_DIRS.split(':').filter(Boolean) : XDG_DEFAULT_DATA_DIRS.map((segments) => join(...segments));
  return [...(dataHome ? [dataHome] : []), ...dataDirs].map((dir) => join(root, dir, 'fonts'));
}

/** Candidates in order of preference for a platform: each font looked up in each font folder. */
export function cjkFontCandidates(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, root = '/'): CjkFont[] {
  const dirs = fontDirectories(platform, env, root);
  if (platform === 'win32') {
    const system = (file: string, name: string, face?: string): CjkFont => ({ path: win32.join(dirs[0], file), name, source: 'system', ...(face ? { face } : {}) });
    return [system('msyh.ttc', '微软雅黑', 'MicrosoftYaHei'), system('simsun.ttc', '宋体', 'SimSun'), system('simhei.ttf', '黑体')];
  }
  const fonts = UNIX_FONTS[platform === 'darwin' ? 'darwin' : 'linux'];
  return fonts.flatMap(({ file, name, face }) => dirs.map((dir): CjkFont => ({ path: join(dir, file), name, source: 'system', ...(face ? { face } : {}) })));
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
