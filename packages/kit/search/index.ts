// Search over Chinese and Latin text on SQLite and MariaDB alike: a text's terms (words, CJK
// bigrams) and the term index table a service keeps and queries (docs/decisions.md).
export { documentTerms, queryTerms, MAX_TERM } from './terms.js';
export { deleteTerms, matchingAll, termColumnType, weighTerms, writeTerms, type TermMatch, type TermTable, type WeighedText } from './table.js';
