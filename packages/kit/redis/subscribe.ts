// A Redis pub/sub channel of JSON arrays, heard on a connection of its own (a subscribed
// connection can run no other command). It may queue its SUBSCRIBE until connected and waits for
// Redis forever; ioredis subscribes again after a reconnect. What was published while it was
// disconnected is lost: `onReady` runs at each (re)connect, so a listener can treat it as a gap.
import type { Redis } from 'ioredis';

export interface ArraySubscription {
  /** Resolves once the channel is subscribed; rejects when SUBSCRIBE fails. */
  readonly subscribed: Promise<void>;
  close(): void;
}

/** Calls onItems with each array published on the channel (a message that is not a JSON array is ignored: another publisher's). */
export function subscribeArrays(redis: Redis, channel: string, onItems: (items: unknown[]) => void, onReady?: () => void): ArraySubscription {
  const sub = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, lazyConnect: false });
  sub.on('error', () => {}); // a lost connection shows up as missed messages, which onReady reports
  if (onReady) sub.on('ready', onReady);
  sub.on('message', (ch: string, message: string) => {
    if (ch !== channel) return;
    let items: unknown;
    try {
      items = JSON.parse(message);
    } catch {
      return;
    }
    if (Array.isArray(items)) onItems(items);
  });
  return {
    subscribed: sub.subscribe(channel).then(() => undefined),
    close: () => sub.disconnect(),
  };
}
