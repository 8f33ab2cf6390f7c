// A child logger made only when first used. Fastify builds a child logger for every request
// (about 2 µs with pino); most requests never log, so the child waits until one does. A class,
// so that making one per request is a single small allocation.
import type { Logger } from 'pino';

class LazyChild {
  private made: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindingsOf: Record<string, unknown>,
  ) {}

  private get real(): Logger {
    return (this.made ??= this.parent.child(this.bindingsOf));
  }

  get level(): string {
    return this.parent.level;
  }

  set level(v: string) {
    this.real.level = v;
  }

  fatal(...a: unknown[]): void {
    if (this.parent.isLevelEnabled('fatal')) (this.real.fatal as (...x: unknown[]) => void)(...a);
  }
  error(...a: unknown[]): void {
    if (this.parent.isLevelEnabled('error')) (this.real.error as (...x: unknown[]) => void)(...a);
  }
  warn(...a: unknown[]): void {
    if (this.parent.isLevelEnabled('warn')) (this.real.warn as (...x: unknown[]) => void)(...a);
  }
  info(...a: unknown[]): void {
    if (this.parent.isLevelEnabled('info')) (this.real.info as (...x: unknown[]) => void)(...a);
  }
  debug(...a: unknown[]): void {
    if (this.parent.isLevelEnabled('debug')) (this.real.debug as (...x: unknown[]) => void)(...a);
  }
  trace(...a: unknown[]): void {
    if (this.parent.isLevelEnabled('trace')) (this.real.trace as (...x: unknown[]) => void)(...a);
  }
  silent(): void {}
  child(b: Record<string, unknown>, o?: object): Logger {
    return this.real.child(b, o);
  }
  bindings(): Record<string, unknown> {
    return this.real.bindings();
  }
  isLevelEnabled(level: string): boolean {
    return this.parent.isLevelEnabled(level);
  }
  flush(): void {
    this.parent.flush();
  }
}

export function lazyChild(parent: Logger, bindings: Record<string, unknown>): Logger {
  return new LazyChild(parent, bindings) as unknown as Logger;
}
