// A child logger made only when first used. Fastify builds a child logger for every request
// (about 2 µs with pino); most requests never log, so the child waits until one does.
import type { Logger } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export function lazyChild(parent: Logger, bindings: Record<string, unknown>): Logger {
  let child: Logger | undefined;
  const get = () => (child ??= parent.child(bindings));
  const forward = (level: Level) =>
    function (this: unknown, ...args: unknown[]) {
      if (!parent.isLevelEnabled(level)) return;
      (get()[level] as (...a: unknown[]) => void)(...args);
    };
  const proxy = {
    fatal: forward('fatal'),
    error: forward('error'),
    warn: forward('warn'),
    info: forward('info'),
    debug: forward('debug'),
    trace: forward('trace'),
    silent: () => {},
    child: (b: Record<string, unknown>, o?: object) => get().child(b, o),
    bindings: () => get().bindings(),
    isLevelEnabled: (l: string) => parent.isLevelEnabled(l),
    flush: () => parent.flush(),
  };
  Object.defineProperty(proxy, 'level', { get: () => parent.level, set: (v: string) => { get().level = v; } });
  return proxy as unknown as Logger;
}
