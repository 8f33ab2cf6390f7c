// Counts a subscriber's running handlers: bounds them to `limit` and lets close() wait for zero.

export class InFlight {
  private running = 0;
  private slotWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  get count(): number {
    return this.running;
  }

  hasRoom(): boolean {
    return this.running < this.limit;
  }

  /** Takes a slot if one is free. */
  tryTake(): boolean {
    if (!this.hasRoom()) return false;
    this.running++;
    return true;
  }

  /** Resolves when a slot may have freed (or wakeAll() was called); callers then tryTake() again. */
  waitForRoom(): Promise<void> {
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  release(): void {
    this.running--;
    this.slotWaiters.shift()?.();
    if (this.running === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Wakes whoever waits in waitForRoom(), so a closing loop can notice it is closing. */
  wakeAll(): void {
    for (const wake of this.slotWaiters.splice(0)) wake();
  }

  idle(): Promise<void> {
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
