// /healthz's answer: every dependency check run at once, each bounded in time, with the failing
// ones named. Shared by the API port's route and the ops listeners.
import { SurgeError, errors } from '#kit/errors';

export interface HealthCheck {
  /** The dependency's name as an operator knows it: database, redis, nats, blob store. */
  name: string;
  check(): Promise<void>;
}

/** A check that has not answered by then counts as failing: a hung dependency must not hang the probe. */
const CHECK_TIMEOUT_MS = 1500;

export interface HealthReport {
  status: 200 | 503;
  body: { status: 'ok' | 'unavailable'; code?: number; message?: string; checks: Record<string, string> };
}

export async function healthReport(checks: readonly HealthCheck[]): Promise<HealthReport> {
  const results = await Promise.all(checks.map(async (c) => [c.name, await run(c)] as const));
  const failed = results.filter(([, r]) => r !== 'ok');
  const byName = Object.fromEntries(results);
  if (failed.length === 0) return { status: 200, body: { status: 'ok', checks: byName } };
  const e = errors.unavailable(failed.map(([n]) => n).join(', '));
  return { status: 503, body: { status: 'unavailable', code: e.code, message: failed.map(([n, r]) => `${n}: ${r}`).join('; '), checks: byName } };
}

async function run(c: HealthCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      c.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'ok';
  } catch (err) {
    return err instanceof SurgeError ? err.message : `not answering (${(err as Error).message})`;
  } finally {
    clearTimeout(timer);
  }
}
