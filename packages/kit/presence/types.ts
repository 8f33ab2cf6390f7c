// Presence's public shapes: who is online in a room, across instances. Each connection is an
// entry that lives ttlMs after its last join or refresh; the instance holding the connection
// refreshes it every ttlMs/3 (refreshEveryMs), so an instance that dies leaves no one behind for
// longer than ttlMs. A user with several connections counts once.

/** Shown to the others in the room (name, avatar…): JSON-serialisable. */
export type PresenceInfo = { readonly [field: string]: unknown };

export interface PresenceMember {
  readonly userId: string;
  /** Unique per connection across every instance (a random id, or instance id + local number). */
  readonly connId: string;
  /** The user's latest join wins: online() shows the info of their most recent connection. */
  readonly info?: PresenceInfo;
}

export interface OnlineUser {
  readonly userId: string;
  readonly info?: PresenceInfo;
}

export interface OnlineOptions {
  /**
   * Default 1000, at most 10,000: users returned, so a read of a room of any size costs a bounded
   * transfer. Which users a capped read returns is unspecified; count() is always exact.
   */
  limit?: number;
}

export interface Presence {
  /** 'memory' or 'redis': names the adapter in errors. */
  readonly name: string;
  /** An entry not refreshed within this many ms is gone. */
  readonly ttlMs: number;
  /** ttlMs / 3: how often the instance holding connections should refresh them (two refreshes may be lost before one expires). */
  readonly refreshEveryMs: number;
  /** Adds or renews the connection; cameOnline: the user had no live connection in the room before. */
  join(room: string, member: PresenceMember): Promise<{ cameOnline: boolean }>;
  /** Removes the connection; wentOffline: it was the user's last in the room. Unknown connections are fine. */
  leave(room: string, connId: string): Promise<{ wentOffline: boolean }>;
  /**
   * Renews live connections (the heartbeat). Returns the ones that are no longer there (they
   * expired while this instance was stalled or cut off, or never joined): join them again.
   */
  refresh(room: string, connIds: readonly string[]): Promise<string[]>;
  /** Distinct users online, each with their info; at most options.limit of them. */
  online(room: string, options?: OnlineOptions): Promise<OnlineUser[]>;
  /** Distinct users online: exact, without reading the members. */
  count(room: string): Promise<number>;
}
