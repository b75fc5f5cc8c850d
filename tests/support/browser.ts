/**
 * Shared scaffolding of the e2e tests: Debian's Chromium driven by playwright-core against
 * `landgate serve` (browser mode), with request / error recording, screenshots into
 * test-artifacts/e2e/ and a colour census of PNG screenshots.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { SESSION_HEADER } from '../../shared/api/contract';
import { repoRoot } from './cli';

export { repoRoot };
export const cli = join(repoRoot, 'bin', 'landgate.js');
export const artifacts = join(repoRoot, 'test-artifacts', 'e2e');
export const CHROMIUM = process.env.LANDGATE_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--enable-unsafe-swiftshader',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
export const VIEWPORT = { width: 1440, height: 900 };
/** renderer/map/layer-styles.ts BACKGROUND_COLOR (#f3f1ec). */
export const MAP_BACKGROUND: [number, number, number] = [0xf3, 0xf1, 0xec];

export type Box = { x: number; y: number; width: number; height: number };

/** Creates test-artifacts/e2e/ and, when dist/renderer is missing, builds the renderer. */
export function prepareArtifactsAndRenderer(): void {
  mkdirSync(artifacts, { recursive: true });
  if (!existsSync(join(repoRoot, 'dist', 'renderer', 'index.html'))) {
    // `npm run test:e2e` builds first; a bare `vitest run tests/e2e` still gets a fresh renderer.
    execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
  }
}

/** Runs `landgate <args…>` from the repository root, output piped (thrown with the error on failure). */
export function landgateSync(args: string[]): void {
  execFileSync(process.execPath, [cli, ...args], { cwd: repoRoot, stdio: 'pipe' });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

/** A page at 1440×900, device scale 1, locale zh-CN (plus any extra context options). */
export function newPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  return browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1, locale: 'zh-CN', ...options });
}

/** A new page (see newPage) with its traffic recorded (see recordTraffic), navigated to `url`. */
export async function openPage(browser: Browser, url: string, options: BrowserContextOptions = {}): Promise<{ page: Page; traffic: Traffic }> {
  const page = await newPage(browser, options);
  const traffic = recordTraffic(page);
  await page.goto(url);
  return { page, traffic };
}

/** Waits for the renderer's `window.__landgateMapReady` flag. */
export async function waitForMapReady(page: Page, timeout = 90_000): Promise<void> {
  await page.waitForFunction(() => (window as { __landgateMapReady?: boolean }).__landgateMapReady === true, null, { timeout });
}

export interface Served {
  /** The http://127.0.0.1:<port>/?token=… URL the server printed (the token is this run's session). */
  url: string;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  /** The server process (benchmarks read its peak memory). */
  pid: number | undefined;
  /** SIGTERM, then SIGKILL after 5 s if it has not exited. */
  stop(): Promise<void>;
}

/** Starts `landgate serve <projectPath> --port 0` and resolves once it prints its URL. */
export function startServe(projectPath: string, options: { env?: NodeJS.ProcessEnv } = {}): Promise<Served> {
  return new Promise((resolveServed, reject) => {
    const child = spawn(process.execPath, [cli, 'serve', projectPath, '--port', '0'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], ...(options.env ? { env: options.env } : {}) });
    let output = '';
    const running = () => child.exitCode === null && child.signalCode === null;
    const stop = async () => {
      if (!running()) return;
      child.removeAllListeners('exit');
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (grace = setTimeout(r, 5_000)))]);
      clearTimeout(grace);
      if (running()) child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      reject(new Error(`landgate serve printed no URL within 60 s:\n${output}`));
      void stop();
    }, 60_000);
    let resolved = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(output);
      if (match && !resolved) {
        resolved = true;
        clearTimeout(timer);
        resolveServed({ url: match[0], output: () => output, stop, pid: child.pid });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`landgate serve exited with ${code}:\n${output}`));
    });
  });
}

/** The session token in a URL `landgate serve` printed. */
export function sessionTokenOf(servedUrl: string): string {
  return new URL(servedUrl).searchParams.get('token') ?? '';
}

/**
 * An API call straight from the test process, as the page makes it: POST of JSON with the
 * session token of the served URL. Resolves to the HTTP status and the parsed body.
 */
export async function postApi<T = unknown>(servedUrl: string, method: string, body: unknown): Promise<{ status: number; ok: boolean; body: T }> {
  const response = await fetch(new URL(`/api/${method}`, servedUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [SESSION_HEADER]: sessionTokenOf(servedUrl) },
    body: JSON.stringify(body ?? {}),
  });
  const text = await response.text();
  return { status: response.status, ok: response.ok, body: (text === '' ? null : JSON.parse(text)) as T };
}

export interface Traffic {
  requestedUrls: string[];
  pageErrors: string[];
  consoleErrors: string[];
}

/** Records every requested URL, uncaught page error and console error of a page from now on. */
export function recordTraffic(page: Page): Traffic {
  const traffic: Traffic = { requestedUrls: [], pageErrors: [], consoleErrors: [] };
  page.on('request', (request) => traffic.requestedUrls.push(request.url()));
  page.on('pageerror', (error) => traffic.pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') traffic.consoleErrors.push(message.text());
  });
  return traffic;
}

/** Screenshot of the page saved as test-artifacts/e2e/<name>.png; resolves to the PNG. */
export function screenshotTo(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(artifacts, `${name}.png`) });
}

/** Distinct colours (5 bits per channel) covering at least `minPixels` pixels, background excluded, within a box. */
export function colourCensus(png: Buffer, box: Box, minPixels = 20, background: [number, number, number] = MAP_BACKGROUND) {
  const image = PNG.sync.read(png);
  const counts = new Map<number, number>();
  let nonBackground = 0;
  let total = 0;
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(image.width, Math.floor(box.x + box.width));
  const y1 = Math.min(image.height, Math.floor(box.y + box.height));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const offset = (y * image.width + x) * 4;
      const [r, g, b] = [image.data[offset], image.data[offset + 1], image.data[offset + 2]];
      total++;
      if (Math.abs(r - background[0]) + Math.abs(g - background[1]) + Math.abs(b - background[2]) <= 6) continue;
      nonBackground++;
      const key = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const distinct = [...counts.values()].filter((n) => n >= minPixels).length;
  return { distinct, nonBackgroundShare: total === 0 ? 0 : nonBackground / total };
}

export interface BrowserSession {
  /** The URL `landgate serve` printed. */
  url: string;
  served: Served;
  browser: Browser;
  page: Page;
  traffic: Traffic;
  /** Closes the browser and stops the server. */
  close(): Promise<void>;
}

/**
 * `landgate serve <projectPath>`, Chromium launched and a page opened on the served URL with its
 * traffic recorded. On failure whatever was started is stopped again.
 */
export async function openSession(projectPath: string, options: { env?: NodeJS.ProcessEnv; page?: BrowserContextOptions } = {}): Promise<BrowserSession> {
  const served = await startServe(projectPath, { env: options.env });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const { page, traffic } = await openPage(browser, served.url, options.page);
    const opened = browser;
    return {
      url: served.url,
      served,
      browser,
      page,
      traffic,
      close: async () => {
        await opened.close();
        await served.stop();
      },
    };
  } catch (error) {
    await browser?.close();
    await served.stop();
    throw error;
  }
}

export interface DemoSession extends BrowserSession {
  /** The generated demo project being served. */
  projectPath: string;
}

/**
 * The usual start of an e2e test: the renderer built, a fresh demo project in a temp dir, served
 * and opened in Chromium, the map ready. `close` also removes the project.
 */
export async function openDemoSession(prefix: string): Promise<DemoSession> {
  prepareArtifactsAndRenderer();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const projectPath = join(dir, 'demo.gpkg');
  try {
    landgateSync(['demo', projectPath]);
    const session = await openSession(projectPath);
    await waitForMapReady(session.page);
    return {
      ...session,
      projectPath,
      close: async () => {
        await session.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
