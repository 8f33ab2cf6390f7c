// The URL as the access log writes it: the values of credential parameters in the query string
// replaced by "[redacted]". The Douyin API sends its token and, on sign-up and sign-in, the
// password as query parameters, so without this every password would sit in the log.
//
// A parameter's name is judged as the query parser reads it (fast-querystring, Fastify's
// default): '+' is a space, percent-escapes are decoded; then it is compared in lower case, so
// `%70assword=`, `PASSWORD=` and `Password=` are all redacted (a client that sends the wrong case
// still sent its password). A name that cannot be decoded has its value redacted too: it is not
// a parameter the server reads, but redacting it costs nothing and never leaks (fail closed).
// Parameters are separated by '&' only, as the parser separates them.
//
// Cost: a URL without '?' is returned as is after one indexOf; with a query, one pass over it
// and a short slice per parameter whose name is short enough to be a credential; a new string
// only when something is redacted.

/**
 * Names (decoded, lower case) whose values are credentials: the Douyin API's `password` and
 * `token`, the verification `code`, and the names other clients and proxies commonly use for a
 * secret in a URL (OAuth tokens, API keys, signatures). Exact names only: `mytoken` or
 * `postcode` are not credentials.
 */
export const CREDENTIAL_PARAMS: ReadonlySet<string> = new Set([
  'password', 'passwd', 'pwd', 'old_password', 'new_password',
  'token', 'access_token', 'refresh_token', 'id_token',
  'code',
  'secret', 'client_secret',
  'api_key', 'apikey',
  'signature', 'sig',
]);

export const REDACTED = '[redacted]';

/** The longest credential name; percent-encoded, a name is at most three times as long. */
const LONGEST = Math.max(...[...CREDENTIAL_PARAMS].map((n) => n.length));
const LONGEST_ENCODED = 3 * LONGEST;

const AMP = 0x26;
const EQ = 0x3d;
const PERCENT = 0x25;
const PLUS = 0x2b;

export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  let out: string | undefined;
  /** Where the part not yet copied into out starts. */
  let copied = 0;
  let start = q + 1;
  let eq = -1;
  let escaped = false;
  const n = url.length;
  for (let i = start; i <= n; i++) {
    const c = i === n ? AMP : url.charCodeAt(i);
    if (c === AMP) {
      if (eq !== -1 && isCredential(url, start, eq, escaped)) {
        out = (out ?? '') + url.slice(copied, eq + 1) + REDACTED;
        copied = i;
      }
      start = i + 1;
      eq = -1;
      escaped = false;
    } else if (eq === -1) {
      if (c === EQ) eq = i;
      else if (c === PERCENT || c === PLUS) escaped = true;
    }
  }
  return out === undefined ? url : out + url.slice(copied);
}

/** Whether url[start, end) names a credential, read as the query parser reads names. */
function isCredential(url: string, start: number, end: number, escaped: boolean): boolean {
  const length = end - start;
  if (length === 0 || length > (escaped ? LONGEST_ENCODED : LONGEST)) return false;
  let name = url.slice(start, end);
  if (escaped) {
    try {
      name = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      return true; // undecodable: fail closed
    }
  }
  return CREDENTIAL_PARAMS.has(name) || CREDENTIAL_PARAMS.has(name.toLowerCase());
}
