// Sensitive-word filter: an Aho–Corasick automaton over the configured words finds every
// occurrence in one pass over the text's code points and masks it; case-insensitive, with
// Unicode compatibility normalization and configurable noise characters skipped between letters.
export { createWordFilter, type WordFilter, type WordMatch } from './filter.js';
export { INVISIBLE_CHARACTERS, SPACES_AND_PUNCTUATION, type WordFilterOptions } from './options.js';
export { BLOCKED_WORDS_CEILING, blockedWordsProblems, blockedWordsSetting, DEFAULT_BLOCKED_WORDS } from './setting.js';
