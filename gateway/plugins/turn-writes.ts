// Replies leave together at the end of the event-loop turn instead of one by one as each handler
// finishes. Every write to a socket whose reader sleeps pays that reader's wake-up; written back to
// back, one batch wakes a sleeping client (or proxy) once and it finds the whole batch ready, so
// under load the wake-ups per reply fall from one to a fraction (decision 87 has the figures).
// uWebSockets corks all writes of a loop iteration for the same reason.
//
// It is an onSend hook that finishes later, a form Fastify supports (compression is another). A
// held reply is not yet `reply.sent`, so an async handler must return the reply it sent (Fastify's
// own rule, which it otherwise only warns about), and code that races a reply (timeouts.ts) records
// who answered first rather than reading reply.sent.
import type { FastifyInstance } from 'fastify';

/** Work held until the end of the event-loop turn, then run in the order it came. */
export interface TurnQueue {
  /** Runs `write` at the end of this turn; a throw is passed to `onError` and the others still run. */
  defer(write: () => void, onError: (err: unknown) => void): void;
}

export function createTurnQueue(): TurnQueue {
  let writes: Array<() => void> = [];
  let failed: Array<(err: unknown) => void> = [];
  const runAll = (): void => {
    const batch = writes;
    const onErrors = failed;
    writes = [];
    failed = [];
    for (let i = 0; i < batch.length; i++) {
      try {
        batch[i]!();
      } catch (err) {
        // One reply's failure (a handler that sent twice) must not stop the others or the process.
        onErrors[i]!(err);
      }
    }
  };
  return {
    defer(write, onError) {
      // setImmediate runs after the poll phase has handled every socket that was ready this turn.
      if (writes.length === 0) setImmediate(runAll);
      writes.push(write);
      failed.push(onError);
    },
  };
}

/** Holds every Fastify reply of a turn on `queue` (the lanes' replies share it: lanes.ts). */
export function installTurnWrites(app: FastifyInstance, queue: TurnQueue = createTurnQueue()): void {
  app.addHook('onSend', (request, _reply, _payload, done) => {
    queue.defer(done as unknown as () => void, (err) => request.log.error({ err }, 'reply could not be written'));
  });
}
