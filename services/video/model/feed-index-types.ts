// What a feed index is (feed-index.ts picks the adapter): the shapes both adapters implement,
// apart from the factory so that the adapters need not import the file that imports them.
export interface FeedEntry {
  readonly id: number;
  /** ms since the epoch; unique across videos. */
  readonly publishedAt: number;
}

export interface FeedSlice {
  /** Newest first, each published strictly before the bound asked for. */
  readonly entries: FeedEntry[];
  /** How many entries the index holds in all. */
  readonly size: number;
  /** True once the index has been filled from the database (false after a cold start or a wipe). */
  readonly built: boolean;
}

export interface FeedIndex {
  /** At most this many entries are kept: the newest. */
  readonly capacity: number;
  /** Entries published strictly before `before` (Infinity: the newest), at most `limit`. */
  before(before: number, limit: number): Promise<FeedSlice>;
  /** Adds entries, keeping the newest `capacity`; `built` marks the index as filled from the database. */
  add(entries: readonly FeedEntry[], options?: { built?: boolean }): Promise<void>;
}
