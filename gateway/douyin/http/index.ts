// The HTTP plumbing of the Douyin API: the envelope, parameters from query and form, uploads,
// the token parameter, and the blob route the client's players fetch videos and covers from.
export { douyinPlugin, type DouyinOptions, type DouyinRouter, type DouyinRouteOptions, type DouyinUpload, type DouyinHandler, type DouyinReply } from './plugin.js';
export { Params, type ParamSource, type UploadedFile } from './params.js';
export { viewer } from './viewer.js';
export { okJson, OK_LIST, JSON_TYPE } from './envelope.js';
export { blobRoutes, type BlobRoutesOptions } from './blob-route.js';
export type { UploadSink } from './multipart.js';
export { createUploadGate, type UploadGate, type UploadGateOptions, type UploadSlot } from './gate.js';
export type { DouyinUploads } from './admission.js';
export type { FileCheck } from './head-check.js';
