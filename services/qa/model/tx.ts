// The transaction a model hands to its caller's event writer (#kit/outbox EventSink), opaque
// outside model/.
import type { Transaction } from 'kysely';

export type { EventSink } from '#kit/outbox';

export type Tx = Transaction<any>;
