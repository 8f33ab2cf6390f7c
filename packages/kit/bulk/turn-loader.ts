// Turn loader: the reads asked during one event-loop turn go out as one batch call when the
// turn's I/O has been handled. A gateway under load parses many requests per turn (every socket
// that was ready); when each would make the same kind of call (a profile, a target's state), one
// call for all of them costs the caller and the service one exchange instead of dozens.
//
// It is `dataloader` (GraphQL's batching loader) with two choices made for a server:
// - the batch is cut at setImmediate, after the poll phase has read every ready socket, not at
//   the end of the current tick (dataloader's default), which would batch only the asks of one
//   socket's callback. The replies of the turn are written at the same point (turn writes).
// - nothing is cached between batches: a batch answers the asks of its turn and is forgotten, so
//   no answer outlives the call that read it.
import DataLoader from 'dataloader';
import { errors } from '#kit/errors';

export interface TurnLoader<K, V> {
  /** V for key, read with every other key asked this turn; rejects with the batch's error, or the key's. */
  load(key: K): Promise<V>;
}

/**
 * `batch` answers one value (or Error) per key, in order; keys may repeat. At most `maxBatch`
 * keys go in one call: a turn that asks more makes several.
 */
export function createTurnLoader<K, V>(batch: (keys: readonly K[]) => Promise<readonly (V | Error)[]>, o: { maxBatch: number }): TurnLoader<K, V> {
  if (!Number.isSafeInteger(o.maxBatch) || o.maxBatch < 1) throw errors.invalid('maxBatch', 'must be a positive integer');
  const loader = new DataLoader<K, V>(batch, { cache: false, maxBatchSize: o.maxBatch, batchScheduleFn: (run) => setImmediate(run) });
  return { load: (key) => loader.load(key) };
}
