// The transaction a model is handed by its caller (applyOnce's), opaque outside model/.
import type { Transaction } from 'kysely';

export type Tx = Transaction<any>;
