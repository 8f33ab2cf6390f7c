// What the community benchmark needs of the running system beyond its API: waiting until the
// events a seed step queued have been applied (the processes go quiet), restarting the feed
// with another feed.pushLimit, and counting the feed service's rows in its own database.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, stopProcess, waitReady } from '../harness.mjs';

/** Linux counts CPU time in ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
function cpuSeconds(pid) {
  try {
    // Fields after the command (which may hold spaces) start after its closing parenthesis.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * Waits until Surge's processes together use less than `maxCpu` of a core (plus 2% per process:
 * idle timers, leases and polls; 17 idle processes in distributed mode use about 0.2 of a core) over `windowMs`: the events
 * earlier steps queued (feed pushes, notifications, points) have been applied, so the next step
 * starts from a quiet system. Answers the seconds waited; after `timeoutMs` it warns and goes on
 * (the results then record the wait as that long).
 */
export async function settle(procs, { windowMs = 1000, maxCpu = 0.05, timeoutMs = 60_000 } = {}) {
  const started = Date.now();
  const limit = maxCpu + 0.02 * procs.length;
  const total = () => procs.reduce((s, p) => s + cpuSeconds(p.child.pid), 0);
  let before = total();
  for (;;) {
    await new Promise((r) => setTimeout(r, windowMs));
    const now = total();
    const busy = (now - before) / (windowMs / 1000);
    if (busy < limit) return (Date.now() - started) / 1000;
    if (Date.now() - started > timeoutMs) {
      console.log(`bench: WARNING: Surge still uses ${busy.toFixed(2)} of a core ${timeoutMs / 1000} s after the last step; going on`);
      return (Date.now() - started) / 1000;
    }
    before = now;
  }
}

/**
 * Restarts what runs the feed service with `pushLimit`: the one process in embedded and servers
 * mode (same data, same secrets, same port), only the feed service's process in distributed mode.
 * The feed decides push or pull when an article is published, so articles published before keep
 * the way they were delivered. Answers the system with its new process list.
 */
export async function restartFeed(h, surge, { mode, dataDir, pushLimit }) {
  const env = { ...surge.env, SURGE__feed__pushLimit: String(pushLimit) };
  if (mode !== 'distributed') {
    await stopProcess(surge.gateway.child);
    const gateway = await h.startProcess('surge', join(root, 'dist', 'app', 'main.js'), env, dataDir);
    await waitReady(gateway, '/healthz');
    return { ...surge, gateway, gateways: [gateway], procs: [gateway], env };
  }
  const old = surge.procs.find((p) => p.name === 'feed');
  await stopProcess(old.child);
  const feed = await h.startProcess('feed', join(root, 'dist', 'app', 'cli.js'), { ...env, PORT: '0' }, dataDir, [], ['serve', 'feed']);
  // The gateway's /healthz answers 200 only once every service is registered again.
  await waitReady(surge.gateway, '/healthz', [feed]);
  return { ...surge, procs: surge.procs.map((p) => (p === old ? feed : p)) };
}

/**
 * The feed service's own database, read beside the API: SQLite (`<data>/db/feed.sqlite`, opened
 * read-only; WAL lets it read while Surge writes) in embedded mode, MariaDB (`<prefix>_feed`)
 * otherwise. Counts the inbox rows of an article, whether it was recorded as pulled (and all pulled
 * articles), and the follower count the feed keeps for an author.
 */
export async function openFeedDb(mode, surge, dataDir) {
  if (mode === 'embedded') {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(dataDir, 'db', 'feed.sqlite'), { readonly: true, fileMustExist: true });
    const one = (sql, ...args) => Number(db.prepare(sql).pluck().get(...args) ?? 0);
    return {
      where: `SQLite ${join('<data>', 'db', 'feed.sqlite')}`,
      inboxRows: async (articleId) => one('SELECT COUNT(*) FROM inbox WHERE article_id = ?', articleId),
      pulled: async (articleId) => one('SELECT COUNT(*) FROM pulled WHERE article_id = ?', articleId) > 0,
      pulledCount: async () => one('SELECT COUNT(*) FROM pulled'),
      followerCount: async (authorId) => one('SELECT follower_count FROM follower_counts WHERE author_id = ?', authorId),
      close: async () => db.close(),
    };
  }
  const { default: mysql } = await import('mysql2/promise');
  const database = `${surge.env.SURGE__database__mysql__databasePrefix}_feed`;
  const conn = await mysql.createConnection({ host: '127.0.0.1', user: 'root', password: '', database });
  const one = async (sql, ...args) => Number(Object.values((await conn.query(sql, args))[0][0] ?? { n: 0 })[0] ?? 0);
  return {
    where: `MariaDB ${database}`,
    inboxRows: (articleId) => one('SELECT COUNT(*) FROM inbox WHERE article_id = ?', articleId),
    pulled: async (articleId) => (await one('SELECT COUNT(*) FROM pulled WHERE article_id = ?', articleId)) > 0,
    pulledCount: () => one('SELECT COUNT(*) FROM pulled'),
    followerCount: (authorId) => one('SELECT follower_count FROM follower_counts WHERE author_id = ?', authorId),
    close: () => conn.end(),
  };
}
