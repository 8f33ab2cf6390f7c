// The broadcast's public shapes: fire-and-forget fan-out of a message to every instance that
// subscribed to its subject. Services see only these types, never the driver's.
//
// Guaranteed: every instance subscribed (and connected) when a message reaches the broker gets
// it once; messages from one publisher on one subject arrive in the order published; a handler
// that throws does not stop the others. Not guaranteed: delivery to an instance that is
// disconnected, or subscribed only after the message went by (at most once, nothing is stored),
// nor any order between different publishers or subjects. Whatever must not be lost lives in a
// database; a subscriber that may have missed messages (onReconnect) reads them back from there.

/**
 * Called once per message with its bytes (a string publish arrives as its UTF-8 bytes) and the
 * subject it was published on, without the namespace. The bytes are shared by every handler of
 * the message: read them, do not change them. A returned promise that rejects is reported like
 * a throw.
 */
export type BroadcastHandler = (payload: Uint8Array, subject: string) => void | Promise<void>;

export interface BroadcastSubscription {
  readonly subject: string;
  /** No call of this handler after it returns (messages already on the way are dropped). Idempotent. */
  unsubscribe(): void;
}

export interface Broadcast {
  /** 'memory' or 'nats': names the adapter in errors and health checks. */
  readonly name: string;
  /**
   * Sends payload to every subscriber of subject on every instance, this one included, and
   * returns at once (delivery happens later). The bytes are handed over: do not change them after.
   * Throws InvalidArgument for a bad subject, PayloadTooLarge past the broker's limit,
   * FailedPrecondition once closed, Unavailable when the connection is closed under it.
   */
  publish(subject: string, payload: Uint8Array | string): void;
  /**
   * Calls handler for every message on subject until unsubscribed. Subjects are exact (letters,
   * digits, '_' and '-', tokens separated by '.'); wildcards are refused. Cheap: subscribers of one
   * subject on one instance share one broker subscription, made with the first and dropped with the last.
   */
  subscribe(subject: string, handler: BroadcastHandler): BroadcastSubscription;
  /**
   * Resolves once the broker has seen every publish, subscribe and unsubscribe this instance made
   * so far, and this instance's own handlers have run for every message it published: after
   * `subscribe(); await flush()`, messages other instances publish reach the handler.
   */
  flush(): Promise<void>;
  /**
   * listener runs each time the connection to the broker comes back after a loss; messages
   * published meanwhile did not reach this instance, so read them back from their source.
   * Subscriptions are restored by the adapter. Returns a function that removes the listener.
   */
  onReconnect(listener: () => void): () => void;
  /** Drops every subscription of this instance; publish and subscribe then fail. Leaves a connection it was given open. */
  close(): Promise<void>;
}
