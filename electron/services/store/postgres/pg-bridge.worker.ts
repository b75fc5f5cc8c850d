/**
 * The PostgreSQL side of the synchronous bridge (pg-bridge.ts): one `pg` client on one
 * connection, answering the requests the owning thread posts, one at a time, and waking it
 * through the shared flag once the answer is on the port.
 */
import pg from 'pg';
import pgpass from 'pgpass';
import { workerData, type MessagePort } from 'node:worker_threads';
import type { BridgeAnswer, BridgeRequest, BridgeResponse, WireError } from './pg-bridge';

const { port, flag, config } = workerData as { port: MessagePort; flag: Int32Array; config: pg.ClientConfig };

// Counts and sums arrive as int8/numeric; the store's figures are plain numbers (ids and counts
// stay far below 2^53), as SQLite gives them.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

let client: pg.Client | null = null;
/** Why the connection broke (the server's FATAL, e.g. 57P01 when an administrator ended it), once it has. */
let broken: WireError | null = null;

/** The SQLSTATE class of a failed connection (08006 connection_failure), for errors pg reports without one. */
const CONNECTION_FAILURE = '08006';

/** The answer first, then the flag, then the wake-up: the waiting thread trusts only what is on the port (pg-bridge.ts awaitAnswer). */
function answer(response: BridgeResponse): void {
  port.postMessage(response);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

function wireError(error: unknown): WireError {
  const e = error as Partial<pg.DatabaseError> & { message?: string; code?: string; errno?: string };
  return {
    message: e?.message ?? String(error),
    code: typeof e?.code === 'string' ? e.code : undefined,
    detail: e?.detail,
    hint: e?.hint,
    constraint: e?.constraint,
    table: e?.table,
    schema: e?.schema,
  };
}

async function handle(request: BridgeRequest): Promise<BridgeAnswer> {
  switch (request.op) {
    case 'connect': {
      // libpq's password file when the URL and service carry none (pg's own lookup is deprecated).
      const connInfo = {
        host: config.host ?? process.env.PGHOST ?? 'localhost',
        port: config.port ?? Number(process.env.PGPORT ?? 5432),
        database: config.database ?? process.env.PGDATABASE,
        user: config.user ?? process.env.PGUSER,
      };
      const password = config.password ?? (() => new Promise<string | undefined>((resolve) => pgpass(connInfo, resolve)).then((p) => p ?? ''));
      client = new pg.Client({ ...config, password: password as pg.ClientConfig['password'] });
      // A dropped connection surfaces as an error on the next query; without a listener it would
      // end the worker and leave the owning thread waiting.
      client.on('error', (error) => {
        broken = wireError(error);
        broken.code ??= CONNECTION_FAILURE;
      });
      await client.connect();
      return { ok: true, rows: [], rowCount: 0 };
    }
    case 'query': {
      if (!client) throw new Error('not connected');
      // pg answers a broken client with "not queryable" and no code: say what broke it.
      if (broken) return { ok: false, error: broken };
      const result = await client.query({ text: request.sql, values: request.params, ...(request.array ? { rowMode: 'array' as const } : {}) } as pg.QueryConfig);
      // A multi-statement text (DDL scripts) answers with one result per statement.
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      return { ok: true, rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 };
    }
    case 'end': {
      await client?.end().catch(() => undefined);
      client = null;
      return { ok: true, rows: [], rowCount: 0 };
    }
  }
}

port.on('message', (request: BridgeRequest) => {
  const { seq } = request;
  handle(request).then(
    (response) => answer({ ...response, seq }),
    (error) => {
      const wire = wireError(error);
      // A query that fails because the connection went (reset, closed mid-statement) has no SQLSTATE.
      if (request.op === 'query' && (broken || (wire.code === undefined && /Connection terminated|not queryable|ECONNRESET|EPIPE/i.test(wire.message)))) {
        wire.code ??= broken?.code ?? CONNECTION_FAILURE;
      }
      answer({ ok: false, error: wire, seq });
    },
  );
});
