// Input rules shared by every service and the gateway, so a field is checked the same way
// wherever it arrives.
export { checkText, invisibleIn, type TextRule } from './text.js';
export { checkId, checkIds, type IdsRule } from './ids.js';
export { checkLimit, type LimitRule } from './limit.js';
export { checkTags, type TagsRule } from './tags.js';
