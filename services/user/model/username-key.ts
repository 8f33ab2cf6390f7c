// What the users.username_key column holds: the SHA-256 (hex) of a username's comparison key
// (usernameKey: NFKC, case-folded). Hashing keeps the column exact on both databases: MariaDB's
// utf8mb4_unicode_ci would also call "jose" and "josé" equal, SQLite would not; hex digits compare
// the same under any collation, and fit a fixed char(64).
import { createHash } from 'node:crypto';
import { usernameKey } from '#kit/auth';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The key of an account made (or re-keyed) since usernames are compared by key. */
export const storedUsernameKey = (username: string): string => sha256(usernameKey(username));

/**
 * The key of an older account whose name collides with an older one's key ("Alice" and "alice",
 * both made before the rule): unique per exact name, so it stays reachable by its exact spelling.
 */
export const legacyUsernameKey = (username: string): string => sha256(`legacy\u0000${username}`);
