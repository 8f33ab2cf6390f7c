// The article service's tables (model/migrations.ts makes them). Every bigint comes back from
// MariaDB as a string: the models turn each into a number.

/** Only published articles exist in this slice; drafts would add a status. */
export type ArticleStatus = 'published';

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
  /** Kept by the likes, comments and view-count services; 0 until they exist. */
  like_count: number;
  comment_count: number;
  view_count: number;
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
