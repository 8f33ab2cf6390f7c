// Like and comment counts of the targets a reply shows, and whether the caller likes each: a page
// asks in one call to the interaction service; a single target's state (an article's detail) is
// asked with every other such ask of the same event-loop turn, in one call for all their readers.
import type { FastifyRequest } from 'fastify';
import { createTurnLoader, type TurnLoader } from '#kit/bulk';
import type { Client } from '#kit/rpc';
import type { InteractionServiceDefinition, TargetState } from '#gen/surge/interaction/v1/interaction';
import { callOptions } from '../../routes/users.js';

export type States = ReadonlyMap<number, TargetState>;
type Interactions = Client<typeof InteractionServiceDefinition>;

/** By target id, liked as `viewerId` (default the caller) sees it; 0 (signed out) likes nothing. */
export async function statesOf(interactions: Interactions, biz: string, ids: readonly number[], request: FastifyRequest, viewerId = request.userId): Promise<States> {
  const targetIds = [...new Set(ids)];
  if (targetIds.length === 0) return new Map();
  const { states } = await interactions.getTargetStates({ userId: viewerId, biz, targetIds }, callOptions(request));
  return new Map(targetIds.map((id, i) => [id, states[i]!]));
}

/** One target's state as one reader sees it, many readers' asks answered together. */
export interface StateReader {
  /** The state of biz's targetId as viewerId (0: signed out) sees it. */
  of(biz: string, viewerId: number, targetId: number): Promise<TargetState>;
}

/** Pairs one GetViewerStates call may name (the interaction service's bound). */
const MAX_PAIRS = 100;

/**
 * Asks made during one turn go out together (#kit/bulk createTurnLoader): a turn that parsed 40
 * signed-in detail requests makes one call, not 40. The call carries no request's deadline or
 * trace (it serves many), so it runs under the client's default deadline.
 */
export function createStateReader(interactions: Interactions): StateReader {
  const loaders = new Map<string, TurnLoader<readonly [number, number], TargetState>>();
  const loaderOf = (biz: string) => {
    let loader = loaders.get(biz);
    if (loader === undefined) {
      const read = async (pairs: readonly (readonly [number, number])[]) =>
        (await interactions.getViewerStates({ biz, userIds: pairs.map((p) => p[0]), targetIds: pairs.map((p) => p[1]) })).states;
      loaders.set(biz, (loader = createTurnLoader(read, { maxBatch: MAX_PAIRS })));
    }
    return loader;
  };
  return { of: (biz, viewerId, targetId) => loaderOf(biz).load([viewerId, targetId]) };
}
