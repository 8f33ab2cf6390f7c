// A video service over a fresh database of one kind, a local blob folder, an in-process cache
// and queue, and a manual clock; with a count of the database queries it runs and the log lines
// it writes. Tests only (excluded from the build).
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KyselyPlugin } from 'kysely';
import pino, { type Logger } from 'pino';
import { createLocalBlobStore, type BlobStore } from '#kit/blob';
import { createCache, type Cache } from '#kit/cache';
import { ManualClock } from '#kit/clock';
import { createOutbox, type Outbox } from '#kit/outbox';
import { createMemoryQueue, type Queue } from '#kit/queue';
import type { ServiceDatabase } from '#kit/store';
import type { TestDatabaseKind } from '#kit/testing';
import { createFeedIndex, defineVideoService, videoMigrations, type FeedIndex, type VideoDB, type VideoService, type VideoServiceOptions } from '../index.js';

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

/** A pino logger that keeps its lines for assertions. */
export function captureLog(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { log, lines };
}

/** An executable stand-in for ffmpeg in `dir`: `-version` exits 0, anything else runs the shell `body`. */
export async function fakeFfmpeg(dir: string, name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\nif [ "$1" = "-version" ]; then echo "ffmpeg version fake"; exit 0; fi\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

/** A stand-in body that copies the -i input to the last argument (the output): the "frame" is the upload itself. */
export const COPY_INPUT = 'while [ "$#" -gt 1 ]; do if [ "$1" = "-i" ]; then in="$2"; fi; shift; done; cat "$in" > "$1"';

export const INFO = 30;
export const WARN = 40;

/** The database with every query counted: models built on it count theirs. */
export function countingDatabase(sdb: ServiceDatabase<VideoDB>): { sdb: ServiceDatabase<VideoDB>; queries: () => number } {
  let n = 0;
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      n++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  const counted = Object.create(sdb, { db: { value: sdb.db.withPlugin(plugin) } }) as ServiceDatabase<VideoDB>;
  return { sdb: counted, queries: () => n };
}

export interface VideoTestEnv {
  sdb: ServiceDatabase<VideoDB>;
  clock: ManualClock;
  queue: Queue;
  blob: BlobStore;
  outbox: Outbox;
  logLines: LogLine[];
  log: Logger;
  /** A service over this env's database; every call builds a separate instance (own cache, stamps, index unless given). */
  service(o?: Partial<VideoServiceOptions>): { svc: VideoService; cache: Cache; queries: () => number; feedIndex: FeedIndex };
  /** Queries the fn ran through services from service(). */
  queriesDuring(svcQueries: () => number, fn: () => Promise<unknown>): Promise<number>;
  close(): Promise<void>;
}

export async function videoTestEnv(kind: TestDatabaseKind): Promise<VideoTestEnv> {
  const sdb = await kind.open<VideoDB>('video', videoMigrations);
  const clock = new ManualClock();
  const queue = createMemoryQueue();
  const blobDir = await mkdtemp(join(tmpdir(), 'surge-video-blobs-'));
  const blob = createLocalBlobStore({ dir: blobDir });
  const { log, lines } = captureLog();
  const outbox = createOutbox({ db: sdb, queue, clock, log, pollMs: 60_000 });
  let nextId = 1000;
  const ids = { next: () => ++nextId };
  const caches: Cache[] = [];

  return {
    sdb,
    clock,
    queue,
    blob,
    outbox,
    logLines: lines,
    log,
    service(o = {}) {
      const counted = countingDatabase(sdb);
      const cache = o.cache ?? createCache();
      caches.push(cache);
      const feedIndex = o.feedIndex ?? createFeedIndex();
      const svc = defineVideoService({ db: counted.sdb, cache, clock, ids, blob, outbox, feedIndex, log, ffmpegPath: null, ...o });
      return { svc, cache, queries: counted.queries, feedIndex };
    },
    async queriesDuring(queries, fn) {
      const before = queries();
      await fn();
      return queries() - before;
    },
    async close() {
      await outbox.close();
      await queue.close();
      await Promise.all(caches.map((c) => c.close()));
      await rm(blobDir, { recursive: true, force: true });
    },
  };
}
