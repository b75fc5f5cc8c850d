/**
 * The synchronous PostgreSQL bridge waits for each answer of its worker with Atomics.wait
 * (store/postgres/pg-bridge.ts awaitAnswer). A wake-up is not an answer: the notify of an answer
 * the caller already took without waiting can come late, while it waits for the next one. Here a
 * stand-in worker answers as pg-bridge.worker.ts does (post, set the flag, notify), but sends the
 * notify of its first answer only once the second request has come — as a thread descheduled
 * between setting the flag and notifying does on a loaded machine. Taking that wake-up for the
 * second answer shifted every later answer by one (rows of one statement returned for another,
 * seen under the 20-client load test); the caller must get each request's own answer.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { awaitAnswer, type BridgeResponse } from '../../electron/services/store/postgres/pg-bridge';

const STAND_IN = `
const { workerData } = require('node:worker_threads');
const { port, flag } = workerData;
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const answer = (seq, notify = true) => {
  port.postMessage({ ok: true, rows: [{ answerTo: seq }], rowCount: 1, seq });
  Atomics.store(flag, 0, 1);
  if (notify) Atomics.notify(flag, 0);
};
port.on('message', ({ seq, late }) => {
  if (seq === 1) return answer(1, false); // the notify of this answer is held back
  if (seq === 2) {
    sleep(50); // the caller is waiting for answer 2 by now
    Atomics.notify(flag, 0); // answer 1's late notify
    sleep(100);
    return answer(2);
  }
  if (late) sleep(300); // an answer the caller has given up on
  answer(seq);
});
`;

let worker: Worker | null = null;
afterEach(async () => {
  await worker?.terminate();
  worker = null;
});

function standIn() {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  worker = new Worker(STAND_IN, { eval: true, workerData: { port: port2, flag }, transferList: [port2] });
  const send = (seq: number, late = false) => {
    Atomics.store(flag, 0, 0);
    port1.postMessage({ seq, late });
  };
  const answerTo = (response: BridgeResponse | null) => (response?.ok ? (response.rows[0] as { answerTo: number }).answerTo : null);
  /** Request 1, whose notify is held back: the caller comes to wait only once the answer is there (it was descheduled meanwhile), so it never sleeps. */
  const first = () => {
    send(1);
    while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0, 5);
    return answerTo(awaitAnswer(port1, flag, 1, 5_000));
  };
  return { flag, port: port1, send, answerTo, first };
}

describe('the PostgreSQL bridge waiting for its worker', () => {
  it('takes a late wake-up for what it is, and each request gets its own answer', () => {
    const { flag, port, send, answerTo, first } = standIn();
    expect(first()).toBe(1);
    send(2);
    expect(answerTo(awaitAnswer(port, flag, 2, 5_000))).toBe(2);
    send(3);
    expect(answerTo(awaitAnswer(port, flag, 3, 5_000))).toBe(3);
  });

  it('drops the answer to a request it gave up on, rather than give it to the next one', () => {
    const { flag, port, send, answerTo, first } = standIn();
    expect(first()).toBe(1);
    send(2);
    expect(answerTo(awaitAnswer(port, flag, 2, 5_000))).toBe(2);
    send(3, true);
    expect(awaitAnswer(port, flag, 3, 50)).toBeNull();
    send(4);
    expect(answerTo(awaitAnswer(port, flag, 4, 5_000))).toBe(4);
    send(5);
    expect(answerTo(awaitAnswer(port, flag, 5, 5_000))).toBe(5);
  });
});
