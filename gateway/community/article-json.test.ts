import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import type { Article } from '#gen/surge/article/v1/article';
import type { User } from '#gen/surge/user/v1/user';
import { articlePageJson, articleReplyFrom, articleReplyHead, articleReplyJson } from './article-json.js';
import { ArticlePage, ArticleReply } from './schemas.js';
import { firstChars } from './views.js';

const article = (id: number, o: Partial<Article> = {}): Article => ({
  id,
  authorId: 7,
  title: 'T "quoted" \\ back',
  content: '正文 with "quotes"\nand a line',
  coverUrl: '',
  tags: ['手机'],
  likeCount: 99, // the article's stored copy: the API shows the interaction service's
  commentCount: 99,
  viewCount: 5,
  status: 'published',
  createdAt: 1000,
  updatedAt: 2000,
  ...o,
});
const alice = { id: 7, name: 'Alice "A"', avatar: '/a.png' } as User;

describe('article JSON bytes', () => {
  it('a reply: the schema’s fields, the counts and flag given, the body whole', () => {
    const bytes = articleReplyJson(article(1, { coverUrl: '/c.png', status: 'draft' }), new Map([[7, alice]]), { likeCount: 3, commentCount: 2, liked: true });
    const body = JSON.parse(bytes.toString());
    expect(Value.Check(ArticleReply, body)).toBe(true);
    expect(body.article).toEqual({
      id: 1,
      title: 'T "quoted" \\ back',
      content: '正文 with "quotes"\nand a line',
      cover_url: '/c.png',
      tags: ['手机'],
      view_count: 5,
      status: 'draft',
      created_at: 1000,
      updated_at: 2000,
      author: { id: 7, name: 'Alice "A"', avatar: '/a.png' },
      like_count: 3,
      comment_count: 2,
      liked: true,
    });
  });

  it('a reply from a kept head is the whole reply, whatever counts and flag it is given', () => {
    const a = article(1, { coverUrl: '/c.png' });
    const people = new Map([[7, alice]]);
    const head = articleReplyHead(a, people);
    for (const state of [{ likeCount: 0, commentCount: 0, liked: false }, { likeCount: 12_345_678_901, commentCount: 9, liked: true }]) {
      const bytes = articleReplyFrom(head, state);
      expect(bytes.equals(articleReplyJson(a, people, state))).toBe(true);
      expect(JSON.parse(bytes.toString()).article).toMatchObject({ content: '正文 with "quotes"\nand a line', like_count: state.likeCount, comment_count: state.commentCount, liked: state.liked });
    }
    // The head is not written into.
    expect(articleReplyFrom(head, { likeCount: 1, commentCount: 1, liked: true }).equals(articleReplyFrom(head, { likeCount: 1, commentCount: 1, liked: true }))).toBe(true);
    expect(JSON.parse(articleReplyFrom(head).toString()).article).toMatchObject({ like_count: 0, comment_count: 0, liked: false });
  });

  it('a page: summaries in order, an unknown author shown empty, no state as zero, the cursor escaped', () => {
    const list = [article(1), article(2, { authorId: 8, content: 'x'.repeat(500) })];
    const bytes = articlePageJson(list, new Map([[7, alice]]), new Map([[1, { likeCount: 1, commentCount: 0, liked: false }]]), { nextCursor: 'a"b', isEnd: false });
    const body = JSON.parse(bytes.toString());
    expect(Value.Check(ArticlePage, body)).toBe(true);
    expect(body.next_cursor).toBe('a"b');
    expect(body.is_end).toBe(false);
    expect(body.articles.map((a: { id: number }) => a.id)).toEqual([1, 2]);
    expect(body.articles[0]).toMatchObject({ summary: '正文 with "quotes"\nand a line', cover_url: null, like_count: 1, author: { name: 'Alice "A"' } });
    expect(body.articles[0].content).toBeUndefined();
    expect(body.articles[1]).toMatchObject({ summary: 'x'.repeat(140), author: { id: 8, name: '', avatar: '' }, like_count: 0, comment_count: 0, liked: false });
    expect(JSON.parse(articlePageJson([], new Map(), new Map(), { nextCursor: '', isEnd: true }).toString())).toEqual({ articles: [], next_cursor: '', is_end: true });
  });

  it('the same cached article object serializes once, and a changed row (a new object) anew', () => {
    const a = article(3);
    const first = articleReplyJson(a, new Map(), undefined).toString();
    expect(articleReplyJson(a, new Map(), undefined).toString()).toBe(first);
    expect(JSON.parse(articleReplyJson({ ...a, title: 'new' }, new Map(), undefined).toString()).article.title).toBe('new');
  });
});

describe('firstChars', () => {
  it.each([
    ['short', 3, 'sho'],
    ['short', 10, 'short'],
    ['', 5, ''],
    ['😀😀😀', 2, '😀😀'],
    ['a😀b', 2, 'a😀'],
    ['手机评测', 2, '手机'],
    ['\ud800x', 1, '\ud800'], // a lone surrogate counts as one
    ['ab', 2, 'ab'],
  ])('%j, %i', (text, n, want) => expect(firstChars(text, n)).toBe(want));
});
