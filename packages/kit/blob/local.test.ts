import { mkdtemp, readdir, rm, chmod, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Code } from '#kit/errors';
import { createLocalBlobStore, type BlobStore } from './index.js';
import { blobStoreSuite } from './blob.suite.js';

let dir = '';
let store: BlobStore;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'surge-blob-'));
  store = createLocalBlobStore({ dir });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

blobStoreSuite('local', () => store, 'run');

describe('local blob store', () => {
  it('leaves no temp files after failed uploads', async () => {
    await expect(store.put('t/over.bin', Buffer.alloc(100), { contentType: 'text/plain', maxBytes: 10 })).rejects.toMatchObject({ code: Code.PayloadTooLarge });
    expect(await readdir(path.join(dir, 'tmp'))).toEqual([]);
  });

  it('has no public URL: the gateway serves local objects', () => {
    expect(store.publicUrl('a/b.jpg')).toBeUndefined();
  });

  it('rejects a key whose folder is another object', async () => {
    await store.put('clash', Buffer.from('x'), { contentType: 'text/plain' });
    await expect(store.put('clash/inner', Buffer.from('y'), { contentType: 'text/plain' })).rejects.toMatchObject({ code: Code.InvalidArgument });
    await store.put('folder/inner', Buffer.from('y'), { contentType: 'text/plain' });
    expect(await store.stat('folder')).toBeUndefined();
    await expect(store.get('folder')).rejects.toMatchObject({ code: Code.NotFound });
  });

  it('ping says Unavailable when the folder cannot be used', async () => {
    const file = path.join(dir, 'not-a-folder');
    await writeFile(file, 'x');
    await expect(createLocalBlobStore({ dir: path.join(file, 'sub') }).ping()).rejects.toMatchObject({ code: Code.Unavailable, details: { dependency: 'blob store' } });
    const ro = path.join(dir, 'read-only');
    await createLocalBlobStore({ dir: ro }).ping();
    await chmod(ro, 0o500);
    try {
      // root ignores permissions; only assert when they apply
      if (process.getuid?.() !== 0) await expect(createLocalBlobStore({ dir: ro }).ping()).rejects.toMatchObject({ code: Code.Unavailable });
    } finally {
      await chmod(ro, 0o700);
    }
  });

  it('validates options at construction', () => {
    expect(() => createLocalBlobStore({ dir: '' })).toThrow(/dir/);
  });
});
