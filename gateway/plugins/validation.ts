// Request validation. Bodies are strict JSON: no type coercion (a number where a string belongs
// is an error, not silently converted) and no unknown fields (a typo is reported, not dropped).
// Path and query strings are text by nature, so they are coerced to the declared types.
import { Ajv, type ErrorObject } from 'ajv';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { errors, type SurgeError } from '#kit/errors';

/** How bodies are checked: no coercion, no unknown fields, the first error only. */
const BODY_OPTIONS = { coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false, strict: false, verbose: true } as const;

export function installValidation(app: FastifyInstance): void {
  const strict = new Ajv(BODY_OPTIONS);
  const lenient = new Ajv({ coerceTypes: 'array', removeAdditional: false, useDefaults: true, allErrors: false, strict: false, verbose: true });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : lenient).compile(schema as object));
  app.setSchemaErrorFormatter((errs, dataVar) => toSurgeError(errs as ErrorObject[], dataVar));
}

let laneAjv: Ajv | undefined;

/**
 * A body check outside Fastify (a lane, lanes.ts) that refuses exactly as a route with this body
 * schema does: the parsed body, or the InvalidArgument naming the field.
 */
export function compileBodyCheck(schema: object): (body: unknown) => SurgeError | undefined {
  const validate = (laneAjv ??= new Ajv(BODY_OPTIONS)).compile(schema);
  return (body) => (validate(body) ? undefined : toSurgeError(validate.errors ?? [], 'body'));
}

/** The first validation error as an InvalidArgument naming the field, e.g. "username: is required". */
export function toSurgeError(errs: readonly ErrorObject[], dataVar: string) {
  const e = errs[0];
  if (!e) return errors.invalid(dataVar, 'is invalid');
  const path = e.instancePath.split('/').filter(Boolean);
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'required') path.push(String(p.missingProperty));
  if (e.keyword === 'additionalProperties') path.push(String(p.additionalProperty));
  const field = path.join('.') || (dataVar === 'body' ? 'body' : dataVar);
  return errors.invalid(field, describe(e, dataVar));
}

function describe(e: ErrorObject, dataVar: string): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return `is not a known field of this ${dataVar === 'body' ? 'body' : dataVar}`;
    case 'type':
      return e.instancePath === '' && dataVar === 'body' ? 'must be a JSON object' : `must be ${article(String(p.type))}`;
    case 'minLength':
      return Number(p.limit) === 1 ? 'must not be empty' : `must be at least ${p.limit} characters`;
    case 'maxLength':
      return `must be at most ${p.limit} characters`;
    case 'minimum':
      return `must be at least ${p.limit}`;
    case 'maximum':
      return `must be at most ${p.limit}`;
    case 'pattern':
      return (e.parentSchema as { description?: string } | undefined)?.description ?? 'has an invalid format';
    case 'minProperties':
      return 'must set at least one field';
    default:
      return e.message ?? 'is invalid';
  }
}

const article = (t: string) => (t === 'integer' ? 'an integer' : t === 'object' ? 'an object' : t === 'array' ? 'an array' : `a ${t}`);

export type { FastifySchema };
