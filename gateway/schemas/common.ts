import { Type } from 'typebox';

export const ErrorReply = Type.Object(
  {
    code: Type.Integer({ description: 'Stable Surge error code (docs/errors.md)' }),
    message: Type.String({ description: 'What went wrong, naming the field where there is one' }),
    details: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
  },
  { $id: 'ErrorReply' },
);

/** The error replies a route may give, for the OpenAPI document. */
export const errorReplies = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, ErrorReply]));

export const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'A 53-bit id' });
