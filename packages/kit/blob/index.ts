// Blob storage (videos, covers, images): a local folder in single-process mode, S3-compatible
// storage in production, behind one streaming interface with a size limit.
export type { BlobStore, BlobObject, BlobInfo, ByteRange, PutOptions } from './types.js';
export { createLocalBlobStore, type LocalBlobStoreOptions } from './local.js';
export { createS3BlobStore, type S3BlobStoreOptions } from './s3.js';
