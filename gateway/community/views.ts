// The community API's objects, from the services' messages: snake_case, as docs/api/community.md
// gives them, each article with its author's public name and avatar.
import type { Article } from '#gen/surge/article/v1/article';
import type { User } from '#gen/surge/user/v1/user';

/** Characters of the body a list shows. */
export const SUMMARY_CHARS = 140;

type Author = Pick<User, 'name' | 'avatar'> | undefined;

const authorView = (id: number, user: Author) => ({ id, name: user?.name ?? '', avatar: user?.avatar ?? '' });

/** Code points, not UTF-16 units: a cut never splits an emoji or a rare Han character. */
const firstChars = (text: string, n: number): string => {
  const chars = [...text];
  return chars.length <= n ? text : chars.slice(0, n).join('');
};

// What a list item and the detail both show. liked is false until the likes service exists; like,
// comment and view counts are the stored columns.
const articleFields = (a: Article, author: Author) => ({
  id: a.id,
  title: a.title,
  cover_url: a.coverUrl === '' ? null : a.coverUrl,
  tags: a.tags,
  author: authorView(a.authorId, author),
  like_count: a.likeCount,
  comment_count: a.commentCount,
  view_count: a.viewCount,
  liked: false,
  created_at: a.createdAt,
});

export const articleView = (a: Article, author: Author) => ({ ...articleFields(a, author), content: a.content, updated_at: a.updatedAt });

export const articleSummaryView = (a: Article, author: Author) => ({ ...articleFields(a, author), summary: firstChars(a.content, SUMMARY_CHARS) });
