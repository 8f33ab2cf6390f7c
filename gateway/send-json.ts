// Replies whose JSON bytes a route made itself (joined from cached fragments, or kept whole):
// Fastify passes a Buffer through unserialized, so the route's response schema documents the
// shape and the fragments' own schemas decide the fields sent.
import type { FastifyReply } from 'fastify';

export const sendJson = (reply: FastifyReply, bytes: Buffer): FastifyReply => reply.type('application/json; charset=utf-8').send(bytes);
