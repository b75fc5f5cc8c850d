import { closeSync, existsSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { formatCheckReportText, formatCheckReportTextHeader, formatParcelText, stripGeometry } from '../../../shared/format/check-report';
import type { CheckReport } from '../../../shared/model/check';
import { UserInputError } from '../../../shared/model/errors';
import { CheckService } from '../../services/check/check-service';
import { readParcelLayer } from '../../services/check/reference-data';
import { readParcelsFile } from '../../services/import-file';
import { resolveProfile } from '../../services/profiles';
import { ProjectStore } from '../../services/project-store';
import { attachElevation } from '../../services/terrain/parcel-elevation';
import { BatchCancelled, parcelLayersOf, runSweep, sweepReferencesFor } from '../../services/sweep/run-sweep';
import type { Profile } from '../../../shared/rules/profile';
import { requireExistingProject, writeOutput } from './util';
import type { CommandIo, CommandSpec } from './types';

export const checkCommand: CommandSpec = {
  usage:
    'landgate check <project.gpkg> [<parcels-file>|<parcel-table>] --profile <id> [--all] [--format json|text] [--out <file>] [--with-geometry] [--crs EPSG:n] [--encoding gbk|utf-8] [--towgs84 …] [--layer name]',
  summary: '按审查规则配置审查地块：来自文件（界址点 TXT、Shapefile、GeoJSON、KML、CSV/XLSX、GeoPackage）、项目中的报件图层，或 --all 审查项目全部报件地块；结果写入项目审查记录。',
  options: {
    profile: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    all: { type: 'boolean' },
    'with-geometry': { type: 'boolean' },
    // How to read a parcels file, as for `landgate import`.
    crs: { type: 'string' },
    encoding: { type: 'string' },
    towgs84: { type: 'string' },
    layer: { type: 'string' },
  },
  positionals: [1, 2],
  async run([projectPath, parcelsArg], values, io) {
    requireExistingProject(projectPath);
    const format = (values.format as string | undefined) ?? 'json';
    if (format !== 'json' && format !== 'text') {
      throw new UserInputError('cli.format', `输出格式“${format}”无效，可用：json、text。`, `Invalid --format "${format}".`);
    }
    if (typeof values.profile !== 'string') {
      throw new UserInputError('cli.profile-missing', '缺少 --profile（审查规则配置），例如 --profile xiaxian。', 'Missing --profile.');
    }
    if (!parcelsArg && !values.all) {
      throw new UserInputError('cli.parcels-missing', '请给出地块文件或报件图层名，或使用 --all 审查项目中的全部报件地块。', 'Give a parcels file or table, or --all.');
    }
    if (parcelsArg && values.all) {
      throw new UserInputError('cli.parcels-both', '--all 与地块文件不能同时使用。', '--all and a parcels file are mutually exclusive.');
    }
    const store = ProjectStore.open(projectPath);
    try {
      // Built-in profiles (data/profiles) and the project's own (landgate profile copy/import).
      const profile = resolveProfile(values.profile, store);
      if (values.all) return await sweepAll(store, projectPath, profile, { format, out: values.out as string | undefined, includeGeometry: !!values['with-geometry'] }, io);
      const batches: { parcels: Feature<Polygon | MultiPolygon>[]; table: string | null; source: string }[] = [];
      if (existsSync(parcelsArg)) {
        const readOptions = {
          crs: values.crs as string | undefined,
          encoding: values.encoding as string | undefined,
          towgs84: values.towgs84 as string | undefined,
          layer: values.layer as string | undefined,
        };
        batches.push({ parcels: readParcelsFile(parcelsArg, readOptions), table: null, source: resolve(parcelsArg) });
      } else if (store.listLayers().some((l) => l.table === parcelsArg)) {
        batches.push({ parcels: readParcelLayer(store, parcelsArg), table: parcelsArg, source: `${projectPath}#${parcelsArg}` });
      } else {
        throw new UserInputError('cli.parcels-not-found', `找不到地块文件或报件图层“${parcelsArg}”。`, `No parcels file or layer "${parcelsArg}".`);
      }
      const checkedAt = new Date();
      const includeGeometry = !!values['with-geometry'];
      const reports: { batch: (typeof batches)[number]; report: CheckReport }[] = [];
      // the same check service as the app's; one command, one index, in this thread
      const service = new CheckService(store, { worker: false });
      for (const batch of batches) reports.push({ batch, report: attachElevation(store, await service.check(batch.parcels, profile, { checkedAt, includeGeometry }), batch.parcels) });
      const merged: CheckReport = { ...reports[0].report, parcels: reports.flatMap((r) => r.report.parcels) };
      const text = format === 'json' ? `${JSON.stringify(values['with-geometry'] ? merged : stripGeometry(merged), null, 2)}\n` : formatCheckReportText(merged);
      writeOutput(text, values.out as string | undefined, io);
      // The query record (沁政办发〔2021〕19号 土壤 9) is written only after the output succeeded.
      // Re-run after a conflict with another client (each layer's verdict lock is taken while
      // the audit chain's, held since the first layer, waits): it only records the reports.
      store.retryingTransaction(() => {
        for (const { batch, report } of reports) store.recordCheck(report, { parcelTable: batch.table, parcelsSource: batch.source, trigger: 'cli' });
      });
      if (values.out) io.err(`已审查 ${merged.parcels.length} 个地块，结果写入 ${values.out}。\n`);
    } finally {
      store.close();
    }
  },
};

/**
 * The sweep (`--all`): every parcel layer on worker threads, progress on stderr, the results
 * streamed into the project (store/sweep-results.ts) and the output written from the stored
 * rows, parcel by parcel, in the same format as a check of a file. The output is written before
 * the sweep is marked complete, so a failed output (or Ctrl-C) leaves no listed sweep.
 */
async function sweepAll(store: ProjectStore, projectPath: string, profile: Profile, options: { format: string; out?: string; includeGeometry: boolean }, io: CommandIo): Promise<number> {
  const layers = parcelLayersOf(store);
  if (layers.length === 0) throw new UserInputError('cli.no-parcels', `项目“${projectPath}”中没有报件地块图层。`, `Project "${projectPath}" has no parcel layer.`);
  if (options.out) {
    const dir = dirname(resolve(options.out));
    if (!existsSync(dir)) throw new UserInputError('cli.dir-missing', `输出目录“${dir}”不存在。`, `Output directory "${dir}" does not exist.`);
  }
  const total = layers.reduce((n, l) => n + l.total, 0);
  const progress = progressReporter(total, io);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  let written = false;
  process.once('SIGINT', onSigint);
  try {
    const checkedAt = new Date();
    const outcome = await runSweep(store, sweepReferencesFor(store), profile, {
      trigger: 'cli',
      checkedAt,
      includeGeometry: options.includeGeometry,
      signal: abort.signal,
      onProgress: (done) => progress(done),
      beforeComplete: async (sweepId, results) => {
        progress(total, true);
        const sweep = { profile: profile.id, profileVersion: profile.version, checkedAt: checkedAt.toISOString().replace(/\.\d{3}Z$/, 'Z') };
        await writeStreamed(options.out, io, abort.signal, function* () {
          if (options.format === 'json') {
            // Byte for byte what JSON.stringify(report, null, 2) gives, one parcel at a time.
            const shell = JSON.stringify({ ...sweep, parcels: [] }, null, 2);
            const cut = shell.lastIndexOf('[]');
            let separator = `${shell.slice(0, cut)}[\n`;
            for (const stored of results.iterate(sweepId)) {
              const parcel = options.includeGeometry ? stored.result : stripGeometry({ ...sweep, parcels: [stored.result] }).parcels[0];
              yield `${separator}${JSON.stringify(parcel, null, 2).replace(/^/gm, '    ')}`;
              separator = ',\n';
            }
            yield separator === ',\n' ? `\n  ${shell.slice(cut + 1)}\n` : `${shell}\n`;
          } else {
            yield formatCheckReportTextHeader(sweep);
            for (const stored of results.iterate(sweepId)) yield formatParcelText(stored.result);
          }
        });
        written = true;
      },
    });
    io.err(`已审查 ${total} 个地块（${outcome.layers} 个报件图层，${outcome.workers > 0 ? `${outcome.workers} 个审查线程` : '单线程'}）。\n`);
    if (options.out) io.err(`已审查 ${total} 个地块，结果写入 ${options.out}（全部审查记录 #${outcome.sweepId}）。\n`);
    return 0;
  } catch (error) {
    if (error instanceof BatchCancelled) {
      // Cancelled while the output was being written: the output goes with the sweep.
      if (written && options.out) rmSync(options.out, { force: true });
      io.err('\n已取消全部审查：已审查的结果已丢弃，项目未记录本次审查。\nerror: sweep cancelled; nothing was recorded.\n');
      return 130;
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/**
 * Text written in pieces to --out (under a temporary name, renamed into place) or to stdout; to
 * stdout each piece waits until the one before has left (a pipe's reader may be slower than the
 * report: 100 000 parcels are ≈ 1 GB of JSON, and they piled up in memory unwritten). Ctrl-C
 * stops the wait: a reader that has stopped reading does not keep the command from ending.
 */
async function writeStreamed(out: string | undefined, io: CommandIo, signal: AbortSignal, produce: () => Iterable<string>): Promise<void> {
  let buffer = '';
  if (!out) {
    const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    for (const text of produce()) {
      buffer += text;
      if (buffer.length > 1 << 16) {
        io.out(buffer);
        buffer = '';
        await Promise.race([io.drained?.(), aborted]);
        if (signal.aborted) {
          io.discard?.();
          throw new BatchCancelled();
        }
      }
    }
    if (buffer) io.out(buffer);
    return;
  }
  const tmp = join(dirname(resolve(out)), `.${basename(out)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    for (const text of produce()) {
      buffer += text;
      if (buffer.length > 1 << 20) {
        writeSync(fd, buffer);
        buffer = '';
      }
    }
    if (buffer) writeSync(fd, buffer);
    closeSync(fd);
    renameSync(tmp, out);
  } catch (error) {
    closeSync(fd);
    throw error;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Progress of a sweep on stderr: a redrawn bar when stderr is a terminal, otherwise (logs, CI,
 * pipes) one line per 10 % or per 15 s, whichever comes first, so logs stay short.
 */
function progressReporter(total: number, io: { err(text: string): void }): (done: number, final?: boolean) => void {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let lastLine = started;
  let lastDecile = -1;
  let lastDraw = 0;
  return (done, final = false) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    const elapsed = (Date.now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    if (tty) {
      if (!final && Date.now() - lastDraw < 100) return;
      lastDraw = Date.now();
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      const eta = rate > 0 && done < total ? `，约剩 ${Math.ceil((total - done) / rate)} s` : '';
      io.err(`\r审查进度 [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${done}/${total}${eta}   ${final ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor(pct / 10);
    if (final && lastDecile === 10) return;
    if (final || decile > lastDecile || Date.now() - lastLine > 15_000) {
      lastDecile = decile;
      lastLine = Date.now();
      io.err(`审查进度 ${pct}% (${done}/${total}，${elapsed.toFixed(1)} s)\n`);
    }
  };
}
