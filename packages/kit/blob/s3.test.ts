// Runs the blob store suite against s3rver, an S3 emulator from npm, started here on a free
// loopback port with its own temp folder and bucket, so this always runs.
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Code } from '#kit/errors';
import { createS3BlobStore, type BlobStore } from './index.js';
import { blobStoreSuite } from './blob.suite.js';

/** The slice of s3rver (which ships no types) this test uses. */
interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

const BUCKET = 'surge-test';
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
let dir = '';
let server: S3rverInstance;
let endpoint = '';
let store: BlobStore;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'surge-s3rver-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  store = createS3BlobStore({ endpoint, region: 'us-east-1', bucket: BUCKET, forcePathStyle: true, ...credentials });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

blobStoreSuite('s3 (s3rver)', () => store, `run-${process.pid}`);

/** A loopback port that nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('s3 blob store', () => {
  it('builds public URLs from publicBaseUrl, or the endpoint and bucket', () => {
    expect(store.publicUrl('videos/1/a.mp4')).toBe(`${endpoint}/${BUCKET}/videos/1/a.mp4`);
    const cdn = createS3BlobStore({ region: 'eu-west-1', bucket: 'media', publicBaseUrl: 'https://cdn.example.com/', ...credentials });
    expect(cdn.publicUrl('covers/9.jpg')).toBe('https://cdn.example.com/covers/9.jpg');
    const aws = createS3BlobStore({ region: 'eu-west-1', bucket: 'media', ...credentials });
    expect(aws.publicUrl('x.jpg')).toBe('https://media.s3.eu-west-1.amazonaws.com/x.jpg');
  });

  it('reports an unreachable store as Unavailable on every operation', async () => {
    const down = createS3BlobStore({ endpoint: `http://127.0.0.1:${await closedPort()}`, region: 'us-east-1', bucket: BUCKET, forcePathStyle: true, ...credentials });
    const unavailable = { code: Code.Unavailable, details: { dependency: 'blob store' } };
    await expect(down.ping()).rejects.toMatchObject(unavailable);
    await expect(down.stat('a')).rejects.toMatchObject(unavailable);
    await expect(down.get('a')).rejects.toMatchObject(unavailable);
    await expect(down.delete('a')).rejects.toMatchObject(unavailable);
    await expect(down.put('a', Buffer.from('x'), { contentType: 'text/plain' })).rejects.toMatchObject(unavailable);
  });

  it('validates options at construction, naming the option', () => {
    expect(() => createS3BlobStore({ region: 'x', bucket: '', ...credentials })).toThrow(/bucket/);
    expect(() => createS3BlobStore({ region: 'x', bucket: 'b', endpoint: 'not a url', ...credentials })).toThrow(/endpoint/);
    expect(() => createS3BlobStore({ region: 'x', bucket: 'b', partSizeBytes: 1024, ...credentials })).toThrow(/partSizeBytes/);
  });
});
