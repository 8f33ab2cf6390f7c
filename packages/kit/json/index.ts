export { createJsonFragments, type JsonFragments, type JsonSchema } from './fragments.js';
