// The article service's tables (model/migrations.ts makes them). Every bigint comes back from
// MariaDB as a string: the models turn each into a number.

/** A draft is its author's alone: lists, search, feeds and other readers see only published ones. */
export type ArticleStatus = 'published' | 'draft';

export interface ArticlesTable {
  id: number;
  author_id: number;
  title: string;
  /** Markdown, as stored (configured words masked). */
  content: string;
  /** "" without a cover. */
  cover_url: string;
  /** A JSON array of strings. */
  tags: string;
  /** Kept from the interaction service's events, in batches (consumers/counts.ts). */
  like_count: number;
  comment_count: number;
  /** Detail reads, buffered per instance and added in batches (model/views.ts). */
  view_count: number;
  /** model/hot.ts, recomputed whenever the counts change: the hot list's order. */
  hot_score: number;
  status: ArticleStatus;
  /** ms since the epoch: the "newest" order. */
  created_at: number;
  updated_at: number;
}

/** The search index (#kit/search): one row per (term, article). */
export interface ArticleTermsTable {
  term: string;
  article_id: number;
  weight: number;
}

export interface ArticleDB {
  articles: ArticlesTable;
  article_terms: ArticleTermsTable;
}
