// The parameters of one Douyin request: the query string and the form (or JSON) body, the body
// winning when both carry a name. Readers check one parameter each and throw InvalidArgument
// naming it, with a message a person can act on.
import { errors } from '#kit/errors';
import { checkText, type TextRule } from '#kit/rules';

/** Parsed name → value pairs; a repeated name may hold several values (the first one counts). */
export type ParamSource = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The file a request uploaded, as the route's sink stored it. */
export interface UploadedFile {
  readonly key: string;
  readonly size: number;
  /** The Content-Type the client gave the file part (application/octet-stream when none). */
  readonly contentType: string;
  readonly filename: string;
}

/** Times below this are seconds since 1970 (10^11 s is in the year 5138; 10^11 ms is in 1973). */
const SECONDS_BELOW = 1e11;
/** A received value echoed in a message is cut to this many characters. */
const ECHO_MAX = 40;

const DIGITS = /^\d+$/;
/**
 * An id: decimal digits without sign, spaces or leading zeros, so every id has one spelling and
 * no reader can take "010" for octal 8 or "0x10" for 16. "12.0" is 12: clients holding doubles
 * print ids that way.
 */
const ID = /^(0|[1-9]\d*)(?:\.0+)?$/;
const LEADING_ZERO = /^0\d+(?:\.0+)?$/;
/** "12.0", "12.00": an integer written with a zero fraction, as clients holding doubles send. */
const ZERO_FRACTION = /^(\d+)\.0+$/;
const FRACTION = /^[-+]?\d*\.\d+$/;

export class Params {
  constructor(
    private readonly query: ParamSource,
    private readonly body: ParamSource | undefined = undefined,
    /** The uploaded file, on upload routes (the route rejects requests without one). */
    readonly upload: UploadedFile | undefined = undefined,
  ) {}

  /** The raw value: the body's when it has the name, else the query's; undefined when neither. */
  get(name: string): string | undefined {
    if (this.body !== undefined) {
      const v = this.body[name];
      if (v !== undefined) return typeof v === 'string' ? v : v[0];
    }
    const v = this.query[name];
    return v === undefined || typeof v === 'string' ? v : v[0];
  }

  /** A required, non-empty string. */
  string(name: string): string {
    const v = this.get(name);
    if (v === undefined || v === '') throw errors.invalid(name, 'is required');
    return v;
  }

  /** A string, or undefined when absent (an empty string is returned as sent). */
  optionalString(name: string): string | undefined {
    return this.get(name);
  }

  /**
   * Text a person wrote, checked by the one text rule (#kit/rules checkText): returned trimmed,
   * min–max code points, one line unless rule.multiline, no control or bidi override characters,
   * something visible. Absent or "" is "is required" (default min 1), or "" where min is 0.
   */
  text(name: string, rule: TextRule): string {
    const v = this.get(name);
    if (v === undefined || v === '') {
      if ((rule.min ?? 1) > 0) throw errors.invalid(name, 'is required');
      return '';
    }
    return checkText(name, v, rule);
  }

  /** A required positive id (a safe integer ≥ 1). */
  id(name: string): number {
    const v = this.get(name);
    if (v === undefined || v === '') throw errors.invalid(name, 'is required: a positive integer id');
    return parseId(name, v, false);
  }

  /** An id, or undefined when absent or ""; "0" is accepted only with allowZero. */
  optionalId(name: string, options?: { allowZero?: boolean }): number | undefined {
    const v = this.get(name);
    if (v === undefined || v === '') return undefined;
    return parseId(name, v, options?.allowZero === true);
  }

  /** An integer that must be one of the allowed values (e.g. action_type 1 or 2). */
  oneOf<const T extends number>(name: string, allowed: readonly T[]): T {
    const v = this.get(name);
    const n = v === undefined ? NaN : parseInteger(v);
    if (!allowed.includes(n as T)) {
      const list = allowed.length === 1 ? `${allowed[0]}` : allowed.length === 2 ? `${allowed[0]} or ${allowed[1]}` : `one of ${allowed.join(', ')}`;
      throw errors.invalid(name, v === undefined || v === '' ? `is required: ${list}` : `must be ${list} (got ${echo(v)})`);
    }
    return n as T;
  }

  /**
   * A time in milliseconds since 1970, sent in seconds or milliseconds: absent, "" or 0 →
   * undefined; below 10^11 it is seconds (×1000), otherwise milliseconds.
   */
  time(name: string): number | undefined {
    const v = this.get(name);
    if (v === undefined || v === '') return undefined;
    const n = parseInteger(v);
    if (Number.isNaN(n) || n < 0) {
      throw errors.invalid(name, `must be a time since 1970 in seconds or milliseconds, a non-negative integer (got ${echo(v)})`);
    }
    if (n === 0) return undefined;
    return n < SECONDS_BELOW ? n * 1000 : n;
  }
}

function parseId(name: string, v: string, allowZero: boolean): number {
  const wanted = allowZero ? 'a positive integer id or 0' : 'a positive integer id';
  const digits = ID.exec(v)?.[1];
  if (digits === undefined) {
    const why = LEADING_ZERO.test(v) ? ', without leading zeros' : FRACTION.test(v) ? ', a whole number' : '';
    throw errors.invalid(name, `must be ${wanted}${why} (got ${echo(v)})`);
  }
  const n = Number(digits);
  if (!Number.isSafeInteger(n)) throw errors.invalid(name, `must be ${wanted} below 2^53 (got ${echo(v)})`);
  if (n < (allowZero ? 0 : 1)) throw errors.invalid(name, `must be ${wanted} (got ${echo(v)})`);
  return n;
}

/** A non-negative or negative safe integer written in decimal ("12", "12.0", "-3"); NaN otherwise. */
function parseInteger(v: string): number {
  let digits = v;
  let sign = 1;
  if (v.charCodeAt(0) === 0x2d /* - */) {
    sign = -1;
    digits = v.slice(1);
  }
  if (!DIGITS.test(digits)) {
    const m = ZERO_FRACTION.exec(digits);
    if (!m) return NaN;
    digits = m[1]!;
  }
  const n = Number(digits);
  return Number.isSafeInteger(n) ? sign * n : NaN;
}

function echo(v: string): string {
  return JSON.stringify(v.length > ECHO_MAX ? `${v.slice(0, ECHO_MAX)}…` : v);
}
