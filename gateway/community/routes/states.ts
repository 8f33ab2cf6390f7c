// Like and comment counts of the targets a reply shows, and whether the caller likes each, from
// one batch call to the interaction service per page.
import type { FastifyRequest } from 'fastify';
import type { Client } from '#kit/rpc';
import type { InteractionServiceDefinition, TargetState } from '#gen/surge/interaction/v1/interaction';
import { callOptions } from '../../routes/users.js';

export type States = ReadonlyMap<number, TargetState>;

/** By target id, liked as `viewerId` (default the caller) sees it; 0 (signed out) likes nothing. */
export async function statesOf(
  interactions: Client<typeof InteractionServiceDefinition>,
  biz: string,
  ids: readonly number[],
  request: FastifyRequest,
  viewerId = request.userId,
): Promise<States> {
  const targetIds = [...new Set(ids)];
  if (targetIds.length === 0) return new Map();
  const { states } = await interactions.getTargetStates({ userId: viewerId, biz, targetIds }, callOptions(request));
  return new Map(targetIds.map((id, i) => [id, states[i]!]));
}
