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
import type { FastifyInstance, FastifyRequest } from 'fastify';

type Release = () => void;

export function installTurnWrites(app: FastifyInstance): void {
  let releases: Release[] = [];
  let requests: FastifyRequest[] = [];
  const releaseAll = (): void => {
    const batch = releases;
    const of = requests;
    releases = [];
    requests = [];
    for (let i = 0; i < batch.length; i++) {
      try {
        batch[i]!();
      } catch (err) {
        // One reply's failure (a handler that sent twice) must not stop the others or the process.
        of[i]!.log.error({ err }, 'reply could not be written');
      }
    }
  };
  app.addHook('onSend', (request, _reply, _payload, done) => {
    // setImmediate runs after the poll phase has handled every socket that was ready this turn.
    if (releases.length === 0) setImmediate(releaseAll);
    releases.push(done as unknown as Release);
    requests.push(request);
  });
}
