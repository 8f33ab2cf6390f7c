// SQLite's WAL checkpoints, off the event loop. By default the commit that takes the WAL past
// 1,000 pages copies them into the database file and fsyncs it, inside that commit: 4–5 ms of a
// blocked event loop about every 250 commits (measured: p99.9 of a commit 4.4 ms with it, 0.27 ms
// without), which every request in flight waits out. Here each file's connection turns the
// automatic checkpoint off, and one worker thread per process, holding its own connection to
// every registered file, runs a PASSIVE checkpoint on each every CHECKPOINT_EVERY_MS: it never
// waits for a lock and never holds one a writer needs, and the fsync happens on its thread.
// Should the worker fail, every file goes back to SQLite's automatic checkpoint.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker checkpoints each file. The WAL holds at most this long's commits (about 2 MB at 200 commits/s). */
const CHECKPOINT_EVERY_MS = 500;
/** SQLite's own default, restored if the worker fails. */
const AUTOCHECKPOINT_PAGES = 1000;

/** A connection the worker checkpoints for: how to hand the job back to SQLite. */
export interface CheckpointedFile {
  readonly file: string;
  /** Turns the connection's automatic checkpoint on (pages) or off (0). */
  autocheckpoint(pages: number): void;
}

// The worker is CommonJS text, not a module file: it runs the same from dist/ and under vitest
// (which compiles TypeScript for the main thread only). exec, not pragma(): pragma() prepares a
// statement per call, which the garbage collector then finalizes (see sqlite.ts, Node 24).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const open = new Map();
// file → its connection and how many of the main thread's connections share it.
parentPort.on('message', (m) => {
  if (m.add !== undefined) {
    const held = open.get(m.add);
    if (held) return void held.refs++;
    try {
      const db = new Database(m.add, { fileMustExist: true });
      db.exec('PRAGMA busy_timeout = 0');
      db.exec('PRAGMA synchronous = NORMAL');
      open.set(m.add, { db, refs: 1 });
    } catch {
      parentPort.postMessage({ failed: m.add });
    }
  } else if (m.remove !== undefined) {
    const held = open.get(m.remove);
    if (held && --held.refs === 0) {
      held.db.close();
      open.delete(m.remove);
    }
    parentPort.postMessage({ removed: m.id, idle: open.size === 0 });
  }
});
setInterval(() => {
  for (const [file, { db }] of open) {
    try {
      db.exec('PRAGMA wal_checkpoint(PASSIVE)');
    } catch (err) {
      // SQLITE_BUSY: another checkpoint is running (a second process on the file); next time.
      if (!String(err && err.code).startsWith('SQLITE_BUSY')) parentPort.postMessage({ failed: file });
    }
  }
}, workerData.everyMs);
`;

/** How long closing a store waits for the worker to let go of the file (it closes its connection). */
const RELEASE_WAIT_MS = 5000;

let worker: Worker | undefined;
const files = new Set<CheckpointedFile>();
/** Stops waiting for the worker's word that it closed its connection, by request id. */
const releasing = new Map<number, () => void>();
let nextRequest = 0;

function fallBack(file: CheckpointedFile): void {
  files.delete(file);
  try {
    file.autocheckpoint(AUTOCHECKPOINT_PAGES);
  } catch {
    // The connection is closed already: nothing is left to checkpoint for it.
  }
}

function startWorker(): Worker {
  const w = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), everyMs: CHECKPOINT_EVERY_MS },
  });
  // The worker never keeps the process alive: closing the stores stops it, exiting ends it.
  w.unref();
  w.on('message', (m: { failed?: string; removed?: number; idle?: boolean }) => {
    if (m.failed !== undefined) for (const f of [...files]) if (f.file === m.failed) fallBack(f);
    if (m.removed !== undefined) {
      releasing.get(m.removed)?.();
      releasing.delete(m.removed);
    }
    if (m.idle === true && files.size === 0 && worker === w) {
      worker = undefined;
      void w.terminate();
    }
  });
  const lost = () => {
    for (const done of releasing.values()) done();
    releasing.clear();
    if (worker !== w) return;
    worker = undefined;
    for (const f of [...files]) fallBack(f);
  };
  w.on('error', lost);
  w.on('exit', lost);
  return w;
}

/**
 * Checkpoints the file on the worker from now on. stop() hands it back: called as the connection
 * closes, it resolves once the worker has closed its own connection to the file (whose close
 * then checkpoints the WAL and removes it), so a closed store leaves no file behind it open.
 */
export function checkpointInBackground(file: CheckpointedFile): { stop(): Promise<void> } {
  file.autocheckpoint(0);
  files.add(file);
  worker ??= startWorker();
  worker.postMessage({ add: file.file });
  const w = worker;
  return {
    stop() {
      if (!files.delete(file) || worker !== w) return Promise.resolve();
      const id = ++nextRequest;
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          releasing.delete(id);
          resolve();
        }, RELEASE_WAIT_MS);
        timer.unref();
        releasing.set(id, () => {
          clearTimeout(timer);
          resolve();
        });
        w.postMessage({ remove: file.file, id });
      });
    },
  };
}
