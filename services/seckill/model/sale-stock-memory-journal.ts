// The embedded SaleStock's journal: the reserved tickets whose orders are not made yet, in this
// process's memory (they are in the service's SQLite database too, and restore() puts them back
// after a restart). take() hands tickets out and keeps them as taken; one not done() within the
// claim time is handed out again (its worker gave up on it without saying so). A waiting take()
// sleeps on a promise that the next ticket or a timer resolves, never a polling loop.
import type { Clock, Timer } from '#kit/clock';
import type { ReservedTicket } from './sale-stock.js';

export class MemoryJournal {
  /** Waiting to be taken, oldest first. */
  private readonly ready = new Map<number, ReservedTicket>();
  /** Handed out, with the monotonic time of that; insertion order is take order, oldest first. */
  private readonly taken = new Map<number, { ticket: ReservedTicket; at: number }>();
  private wake: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly claimIdleMs: number,
  ) {}

  add(tickets: readonly ReservedTicket[]): void {
    for (const ticket of tickets) this.ready.set(ticket.ticketId, ticket);
    if (tickets.length > 0) this.wake?.();
  }

  /** A ticket not done yet (waiting or taken). */
  find(ticketId: number): ReservedTicket | undefined {
    return this.ready.get(ticketId) ?? this.taken.get(ticketId)?.ticket;
  }

  remove(tickets: readonly ReservedTicket[]): void {
    for (const { ticketId } of tickets) {
      this.ready.delete(ticketId);
      this.taken.delete(ticketId);
    }
  }

  async take(max: number, waitMs: number): Promise<ReservedTicket[]> {
    const deadline = this.clock.monotonic() + waitMs;
    for (;;) {
      if (this.closed) return [];
      const now = this.clock.monotonic();
      this.reclaim(now);
      if (this.ready.size > 0) return this.handOut(max, now);
      const remaining = deadline - now;
      if (remaining <= 0) return [];
      const oldest = this.taken.values().next().value;
      await this.sleep(oldest ? Math.min(remaining, oldest.at + this.claimIdleMs - now) : remaining);
    }
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  /** Taken tickets past the claim time go back to the waiting ones. */
  private reclaim(now: number): void {
    for (const [ticketId, { ticket, at }] of this.taken) {
      if (now - at < this.claimIdleMs) break; // the rest were taken later
      this.taken.delete(ticketId);
      this.ready.set(ticketId, ticket);
    }
  }

  private handOut(max: number, now: number): ReservedTicket[] {
    const out: ReservedTicket[] = [];
    for (const [ticketId, ticket] of this.ready) {
      if (out.length >= max) break;
      this.ready.delete(ticketId);
      this.taken.set(ticketId, { ticket, at: now });
      out.push(ticket);
    }
    return out;
  }

  /** Until add(), close() or ms pass, whichever is first. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: Timer | undefined;
      const done = () => {
        timer?.cancel();
        this.wake = undefined;
        resolve();
      };
      timer = this.clock.after(ms, done);
      this.wake = done;
    });
  }
}
