export { createJsonFragments, type JsonFragments, type JsonSchema } from './fragments.js';
export { joinJson, type JsonPiece } from './join.js';
