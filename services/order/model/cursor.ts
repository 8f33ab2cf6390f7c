// ListOrders' page cursor (#kit/paging): the last order served (ids are snowflakes, so id order
// is creation order). A hand-made cursor that parses only moves where a page starts, and never
// past the caller's own orders.
import { cursorCodec } from '#kit/paging';

const codec = cursorCodec({ o: 0 });

export const encodeCursor = (lastId: number): string => codec.encode({ kind: 'o', keys: [], id: lastId });

/** The id a page starts below; undefined for the first page (""). InvalidArgument naming `cursor` otherwise. */
export const decodeCursor = (raw: string): number | undefined => codec.decode(raw)?.id;
