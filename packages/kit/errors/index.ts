export { Code, codeInfo, allCodes, isCode, GrpcStatus, type CodeInfo } from './codes.js';
export { SurgeError, errors, type ErrorDetails } from './surge-error.js';
