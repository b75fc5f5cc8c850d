/**
 * A synchronous PostgreSQL connection. The repositories are synchronous (better-sqlite3 is), and
 * so is everything above them; rather than a second, asynchronous store, the PostgreSQL backend
 * runs the `pg` client in a worker thread and waits for each answer with Atomics.wait, the way
 * synckit and Prettier's sync API do. The wait blocks only the thread that owns the project
 * (the CLI, the browser-mode host's service thread, a check worker), never a renderer.
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { ClientConfig } from 'pg';
import { startWorker, workerEntry } from '../../worker-entry';

export type BridgeOp = { op: 'connect' } | { op: 'query'; sql: string; params: unknown[]; array: boolean } | { op: 'end' };
/** An operation numbered in the order the bridge sends them; the answer carries the number back (see awaitAnswer). */
export type BridgeRequest = BridgeOp & { seq: number };

export interface WireError {
  message: string;
  /** SQLSTATE (e.g. 23505 unique violation, 42501 insufficient privilege). */
  code?: string;
  detail?: string;
  hint?: string;
  constraint?: string;
  table?: string;
  schema?: string;
}

export type BridgeAnswer = { ok: true; rows: unknown[]; rowCount: number } | { ok: false; error: WireError };
/** An answer with the number of the request it answers. */
export type BridgeResponse = BridgeAnswer & { seq: number };

/** An error the server (or the connection) reported, with its SQLSTATE. */
export class PgError extends Error {
  readonly code?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly constraint?: string;
  readonly table?: string;
  constructor(wire: WireError) {
    super(wire.message);
    this.name = 'PgError';
    this.code = wire.code;
    this.detail = wire.detail;
    this.hint = wire.hint;
    this.constraint = wire.constraint;
    this.table = wire.table;
  }
}

/** How long one statement may take before the caller is told the server does not answer. */
const ANSWER_TIMEOUT_MS = 30 * 60 * 1000;

export class PgBridge {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private seq = 0;
  private ended = false;

  constructor(config: ClientConfig, connectTimeoutMs = 20_000) {
    // Bundled as CommonJS inside the import and check workers, where import.meta is empty.
    const base = import.meta.url ?? pathToFileURL(__filename).href;
    const entry = workerEntry(base, { bundled: 'pg-bridge.worker.cjs', source: './pg-bridge.worker.ts' });
    if (!entry) throw new Error('PgBridge: the PostgreSQL worker is missing from this build');
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = startWorker(entry, { workerData: { port: port2, flag: this.flag, config }, transferList: [port2] });
    // The owning thread may end without closing (a CLI error exit): the worker must not keep it alive.
    this.worker.unref();
    try {
      this.call({ op: 'connect' }, connectTimeoutMs);
    } catch (error) {
      void this.worker.terminate();
      this.ended = true;
      throw error;
    }
  }

  query(sql: string, params: readonly unknown[] = [], array = false): { rows: unknown[]; rowCount: number } {
    if (this.ended) throw new Error('PgBridge: the connection is closed');
    return this.call({ op: 'query', sql, params: params.map(toWire), array });
  }

  end(): void {
    if (this.ended) return;
    try {
      this.call({ op: 'end' }, 5_000);
    } catch {
      // closing a broken connection: nothing left to tell
    }
    this.ended = true;
    void this.worker.terminate();
  }

  private call(op: BridgeOp, timeoutMs = ANSWER_TIMEOUT_MS): { rows: unknown[]; rowCount: number } {
    const seq = ++this.seq;
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ ...op, seq } satisfies BridgeRequest);
    const response = awaitAnswer(this.port, this.flag, seq, timeoutMs);
    if (!response) throw new PgError({ message: `no answer from the database within ${Math.round(timeoutMs / 1000)} s`, code: 'LG001' });
    if (!response.ok) throw new PgError(response.error);
    return { rows: response.rows.map(fromWire), rowCount: response.rowCount };
  }
}

/**
 * Blocks until the answer numbered `seq` is on the port (null after `timeoutMs`). The answering
 * thread posts the answer, then sets the flag, then notifies. A wake-up alone is not an answer:
 * when this thread found the flag already set and took its answer without waiting, the notify of
 * that answer can still come — late, from a thread descheduled between the two steps, as happens
 * on a loaded machine — while this thread waits for the next answer. Taking that wake-up for an
 * answer left the next answer unread on the port, and every later call read the answer of the
 * call before it: rows of one statement returned for another. So only a message on the port
 * counts, and it must carry this request's number; one that does not belongs to a request given
 * up on (timed out) and is dropped.
 */
export function awaitAnswer(port: MessagePort, flag: Int32Array, seq: number, timeoutMs: number): BridgeResponse | null {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const message = receiveMessageOnPort(port);
    if (message) {
      const response = message.message as BridgeResponse;
      if (response.seq === seq) return response;
      continue;
    }
    // The flag was set by an answer already taken (a dropped one): clear it, then look once more,
    // so an answer posted in between is not waited for in vain.
    if (Atomics.load(flag, 0) !== 0) {
      Atomics.store(flag, 0, 0);
      continue;
    }
    const left = deadline - performance.now();
    if (left <= 0) return null;
    Atomics.wait(flag, 0, 0, left);
  }
}

/** Booleans as SQLite gives them would be 0/1; PostgreSQL columns are typed, so they pass as they are. */
function toWire(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** bytea arrives as a Uint8Array (structured clone drops the Buffer class): the store reads Buffers. */
function fromWire(row: unknown): unknown {
  if (Array.isArray(row)) return row.map((v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v));
  if (row && typeof row === 'object') {
    const record = row as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const v = record[key];
      if (v instanceof Uint8Array && !Buffer.isBuffer(v)) record[key] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    }
  }
  return row;
}
