// Subjects shared by several instances' room streams, delivered at once to every subscriber: the
// broadcast's in-process form, for tests. `drop(true)` cuts delivery (a broker outage) while still
// recording what was published.
import type { RoomBus } from '../room-streams.js';

export function sharedBus() {
  const subs = new Map<string, Set<(p: string) => void>>();
  const published: string[] = [];
  let cut = false;
  const bus = (): RoomBus => ({
    publish(subject, payload) {
      published.push(payload);
      if (cut) return;
      for (const h of [...(subs.get(subject) ?? [])]) h(payload);
    },
    subscribe(subject, handler) {
      const set = subs.get(subject) ?? new Set();
      subs.set(subject, set);
      set.add(handler);
      return { unsubscribe: () => set.delete(handler) };
    },
  });
  return { bus, published, subscribers: (s: string) => subs.get(s)?.size ?? 0, drop: (on: boolean) => (cut = on) };
}
