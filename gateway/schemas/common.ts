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

/**
 * Text a service checks with its text rule (#kit/rules), refused here only when it is not
 * well-formed UTF-16: a lone surrogate (JSON may spell one, "\ud800") becomes U+FFFD when the
 * request is encoded for the service, which would then accept text it never saw. The message is
 * the text rule's.
 */
export const WellFormedText = (rule: string) =>
  Type.String({ title: rule, pattern: '^[^\\ud800-\\udfff]*$', description: 'must not contain lone surrogates (text that is not well-formed UTF-16)' });

/** An id as written in a path or query: decimal digits, no sign, no leading zero, at most 16 of them. */
export const ID_DIGITS = '[1-9][0-9]{0,15}';

/**
 * An id in a path or query string: checked as text first, then read as the integer. Coercion
 * alone would read "0x10" as 16 and take "1e1", " 16", "+16" and "016" too; an id has one
 * spelling, so logs, caches and rate-limit keys see the id the service sees.
 */
export const IdParam = Type.Unsafe<number>({
  allOf: [{ type: 'string', pattern: `^${ID_DIGITS}$`, description: 'must be a positive integer id in decimal digits, without sign, spaces or leading zeros' }, Id],
});

/** A page size in a query string: digits only (as ids are), 1–50. */
export const LimitParam = Type.Unsafe<number>({ allOf: [{ type: 'string', pattern: '^[1-9][0-9]?$', description: 'must be a whole number from 1 to 50' }, Type.Integer({ minimum: 1, maximum: 50 })] });

/** An opaque cursor from the previous page's next_cursor. */
export const Cursor = Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]*$', description: "must be the previous page's next_cursor" });
