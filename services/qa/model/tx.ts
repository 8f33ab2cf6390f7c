// The slice of the outbox the models need: an event is written in the same transaction as the
// row that makes it true, so it is published if and only if the change committed.
import type { Transaction } from 'kysely';
import type { Topic } from '#kit/queue';

/** The transaction a model hands to its caller's event writer; opaque outside model/. */
export type Tx = Transaction<any>;

export interface EventSink {
  /** Records an event in trx; published at least once after trx commits. */
  add<T>(trx: Tx, topic: Topic<T>, data: T): Promise<void>;
  /** Publishes what is pending now; called after the commit (the outbox's relay also polls). */
  flush(): void;
}
