import { describe, expect, it } from 'vitest';
import type { GetViewerStatesRequest, TargetState } from '#gen/surge/interaction/v1/interaction';
import { Code, errors } from '#kit/errors';
import { createStateReader } from './states.js';

/** A stand-in interaction client: user u likes target t when (u + t) is even; t has t likes. */
function fakeInteractions(down: () => boolean = () => false) {
  const calls: GetViewerStatesRequest[] = [];
  const client = {
    getViewerStates: async (req: GetViewerStatesRequest) => {
      calls.push(req);
      if (down()) throw errors.unavailable('interaction');
      return { states: req.targetIds.map((t, i): TargetState => ({ likeCount: t, commentCount: 0, liked: req.userIds[i] !== 0 && (req.userIds[i]! + t) % 2 === 0 })) };
    },
  };
  return { calls, client: client as unknown as Parameters<typeof createStateReader>[0] };
}

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('createStateReader', () => {
  it("answers the asks of one turn with one call, each with its own reader's flag", async () => {
    const { calls, client } = fakeInteractions();
    const reader = createStateReader(client);
    const asks = [reader.of('article', 1, 5), reader.of('article', 2, 5), reader.of('article', 0, 6), reader.of('article', 1, 5)];
    expect(calls).toEqual([]);
    expect(await Promise.all(asks)).toEqual([
      { likeCount: 5, commentCount: 0, liked: true },
      { likeCount: 5, commentCount: 0, liked: false },
      { likeCount: 6, commentCount: 0, liked: false },
      { likeCount: 5, commentCount: 0, liked: true },
    ]);
    expect(calls).toEqual([{ biz: 'article', userIds: [1, 2, 0, 1], targetIds: [5, 5, 6, 5] }]);
    expect((await reader.of('article', 2, 6)).liked).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it('asks of different turns and different businesses go in separate calls; more than 100 in a turn are split', async () => {
    const { calls, client } = fakeInteractions();
    const reader = createStateReader(client);
    const first = reader.of('article', 1, 1);
    await nextTurn();
    const second = [reader.of('article', 1, 2), reader.of('question', 1, 2)];
    await Promise.all([first, ...second]);
    expect(calls.map((c) => [c.biz, c.targetIds])).toEqual([['article', [1]], ['article', [2]], ['question', [2]]]);
    calls.length = 0;
    await Promise.all(Array.from({ length: 250 }, (_, i) => reader.of('article', i + 1, i + 1)));
    expect(calls.map((c) => c.targetIds.length)).toEqual([100, 100, 50]);
  });

  it("a failed call fails each of its asks with the service's error, and a later ask calls again", async () => {
    const down = { now: true };
    const { calls, client } = fakeInteractions(() => down.now);
    const reader = createStateReader(client);
    const asks = [reader.of('article', 1, 1), reader.of('article', 2, 1)];
    for (const ask of asks) await expect(ask).rejects.toMatchObject({ code: Code.Unavailable, details: { dependency: 'interaction' } });
    down.now = false;
    expect(await reader.of('article', 1, 1)).toEqual({ likeCount: 1, commentCount: 0, liked: true });
    expect(calls).toHaveLength(2);
  });
});
