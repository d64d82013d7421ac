/**
 * AWS Signature Version 4 request verifier (and a matching signer), written with node:crypto only.
 *
 * Checks run in AWS's order; the first failing check decides the error. `__type` of each failure:
 *
 *  1. No `Authorization` header and no `X-Amz-Algorithm` query parameter
 *       → MissingAuthenticationTokenException  'Missing Authentication Token'
 *  2. Malformed authentication information                                    → IncompleteSignatureException
 *       - both an Authorization header and X-Amz-Algorithm query auth
 *       - more than one Authorization header
 *       - missing Credential= / Signature= / SignedHeaders= (or the X-Amz-* query parameters), or neither
 *         X-Amz-Date nor Date: all missing parts named in one message, AWS style
 *       - algorithm other than AWS4-HMAC-SHA256
 *       - credential not `<key>/<yyyymmdd>/<region>/<service>/aws4_request`
 *       - X-Amz-Date not ISO-8601 basic format (yyyyMMdd'T'HHmmss'Z'); bad X-Amz-Expires (query auth)
 *  3. Service in the credential scope not accepted                            → InvalidSignatureException
 *  4. Unknown access key id                                                   → UnrecognizedClientException
 *  5. Session token: credential has one and the request's x-amz-security-token differs or is missing, or
 *     the credential has none and the request sends one                      → UnrecognizedClientException
 *     Temporary credential past `expiresAt`                                   → ExpiredTokenException
 *  6. Date in the scope differs from the X-Amz-Date date                      → InvalidSignatureException
 *     X-Amz-Date more than `skewMs` away from now (query auth: past X-Amz-Expires)
 *                                                                             → InvalidSignatureException
 *  7. x-amz-content-sha256 present and not the SHA-256 of the body (UNSIGNED-PAYLOAD, STREAMING-* are
 *     refused: this is a JSON protocol, the body is always hashed by us)      → InvalidSignatureException
 *  8. SignedHeaders without `host`, or naming a header absent from the request
 *                                                                             → InvalidSignatureException
 *  9. Signature differs (constant-time compare)                               → InvalidSignatureException
 *
 * Canonicalisation notes (see spec/dependencies.md §1):
 *  - Headers come from node's `rawHeaders` (node merges duplicates with ", " and drops duplicate Host etc.).
 *    Node decodes header bytes as latin1; we hash those same bytes, so UTF-8 header values verify.
 *    Duplicates are joined with ","; values have runs of spaces/tabs collapsed and ends trimmed.
 *  - The canonical request always carries the SHA-256 of the body as we computed it.
 *  - Canonical URI (non-S3): the path as received (already percent-encoded by the client) is normalised
 *    (empty, "." and ".." segments removed) and every segment is percent-encoded once more, so
 *    `/a%20b` becomes `/a%2520b` — the same as @smithy/signature-v4 with uriEscapePath.
 *  - Canonical query: each key and value percent-decoded, RFC 3986 encoded, sorted by key then value.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AwsError } from '../domain/errors.js';

export interface SigV4Request {
  method: string;
  /** Raw request target as received: path plus optional query, e.g. '/' or '/?X-Amz-Algorithm=...'. */
  url: string;
  /** node's req.rawHeaders: name, value, name, value, ... */
  rawHeaders: readonly string[];
  body: Buffer;
}

export interface Credential {
  secretAccessKey: string;
  accountId: string;
  principalArn: string;
  /** If set, the request must carry x-amz-security-token equal to it. */
  sessionToken?: string;
  /** Epoch ms; after it the credential is expired. */
  expiresAt?: number;
}

export interface VerifiedCaller {
  accessKeyId: string;
  region: string;
  service: string;
  credential: Credential;
}

export interface SigV4VerifierOptions {
  lookup: (accessKeyId: string) => Credential | undefined;
  /** Epoch ms, default Date.now. */
  now?: () => number;
  /** Allowed clock difference, default 5 minutes. */
  skewMs?: number;
  /** Accepted signing service names, default ['secretsmanager']. */
  services?: readonly string[];
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const DEFAULT_SKEW_MS = 5 * 60 * 1000;
const MAX_PRESIGN_EXPIRES_S = 7 * 24 * 60 * 60;
const KEY_CACHE_SIZE = 256;

const MSG_MISSING = 'Missing Authentication Token';
const MSG_BAD_TOKEN = 'The security token included in the request is invalid.';
const MSG_EXPIRED_TOKEN = 'The security token included in the request is expired';
const MSG_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const incomplete = (m: string) => new AwsError('IncompleteSignatureException', m);
const invalid = (m: string) => new AwsError('InvalidSignatureException', m);

// ---------------------------------------------------------------------------------------------------------
// Encoding helpers

const HEX = '0123456789ABCDEF';

function isUnreserved(b: number): boolean {
  return (
    (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    (b >= 0x30 && b <= 0x39) || // 0-9
    b === 0x2d || b === 0x2e || b === 0x5f || b === 0x7e // - . _ ~
  );
}

/** RFC 3986 percent-encoding of bytes, everything but the unreserved set, upper-case hex. */
function uriEncodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    out += isUnreserved(b) ? String.fromCharCode(b) : `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

/**
 * Bytes of a string. Strings from node's HTTP parser (url, header values) hold one byte per char (latin1);
 * a string with a char above 0xFF cannot have come from there, so it is taken as UTF-8.
 */
type ByteSource = 'wire' | 'utf8';
function toBytes(s: string, source: ByteSource): Buffer {
  if (source === 'wire' && !/[^\u0000-\u00ff]/.test(s)) return Buffer.from(s, 'latin1');
  return Buffer.from(s, 'utf8');
}
function encodingOf(s: string, source: ByteSource): 'latin1' | 'utf8' {
  return source === 'wire' && !/[^\u0000-\u00ff]/.test(s) ? 'latin1' : 'utf8';
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Percent-decodes to bytes; a '%' not followed by two hex digits stays a literal '%'. */
function percentDecode(s: string, source: ByteSource): Buffer {
  const src = toBytes(s, source);
  const out = Buffer.alloc(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const b = src[i] as number;
    if (b === 0x25 && i + 2 < src.length) {
      const hi = hexVal(src[i + 1] as number);
      const lo = hexVal(src[i + 2] as number);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = b;
  }
  return out.subarray(0, n);
}

function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** yyyyMMdd'T'HHmmss'Z' */
function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function parseAmzDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, se);
  // Valid only if it round-trips (no 31 Feb, no 24:00, no two-digit year that Date.UTC maps to 19xx):
  // the same test as formatAmzDate(ms) === s, without formatting a string on every request.
  const t = new Date(ms);
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === se
    ? ms
    : undefined;
}

function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

// ---------------------------------------------------------------------------------------------------------
// Canonical request pieces (shared by verifier and signer)

function splitTarget(url: string): { path: string; query: string } {
  let target = url;
  // absolute-form request target (proxies): drop scheme and authority
  const abs = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(target);
  if (abs) target = target.slice(abs[0].length);
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  const q = target.indexOf('?');
  return q >= 0 ? { path: target.slice(0, q), query: target.slice(q + 1) } : { path: target, query: '' };
}

function canonicalUri(path: string, source: ByteSource): string {
  const segments: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  if (segments.length === 0) return '/';
  const encoded = segments.map((s) => uriEncodeBytes(toBytes(s, source))).join('/');
  return `/${encoded}${path.endsWith('/') ? '/' : ''}`;
}

interface QueryParam {
  /** decoded key and value as UTF-8 strings (for reading X-Amz-* parameters) */
  key: string;
  value: string;
  /** RFC 3986 encoded, for the canonical query */
  encKey: string;
  encValue: string;
}

function parseQuery(query: string, source: ByteSource): QueryParam[] {
  const params: QueryParam[] = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq >= 0 ? part.slice(0, eq) : part;
    const rawValue = eq >= 0 ? part.slice(eq + 1) : '';
    const k = percentDecode(rawKey, source);
    const v = percentDecode(rawValue, source);
    params.push({
      key: k.toString('utf8'),
      value: v.toString('utf8'),
      encKey: uriEncodeBytes(k),
      encValue: uriEncodeBytes(v),
    });
  }
  return params;
}

function canonicalQuery(params: readonly QueryParam[], excludeSignature: boolean): string {
  return params
    .filter((p) => !(excludeSignature && p.key === 'X-Amz-Signature'))
    .map((p) => [p.encKey, p.encValue] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function canonicalHeaderValue(values: readonly string[]): string {
  return values.map((v) => v.replace(/[ \t]+/g, ' ').replace(/^ | $/g, '')).join(',');
}

interface CanonicalInput {
  method: string;
  uri: string;
  query: string;
  /** sorted, lower-case names with their canonical values */
  headers: ReadonlyArray<readonly [name: string, value: string]>;
  source: ByteSource;
  payloadHash: string;
}

/** SHA-256 (hex) of the canonical request, hashing header values as the bytes that were sent. */
function hashCanonicalRequest(c: CanonicalInput): string {
  const h = createHash('sha256');
  h.update(`${c.method}\n${c.uri}\n${c.query}\n`, 'utf8');
  for (const [name, value] of c.headers) {
    h.update(`${name}:`, 'utf8');
    h.update(value, encodingOf(value, c.source));
    h.update('\n', 'utf8');
  }
  h.update(`\n${c.headers.map(([n]) => n).join(';')}\n${c.payloadHash}`, 'utf8');
  return h.digest('hex');
}

/** Small bounded LRU of derived signing keys: key = secret + date + region + service. */
class SigningKeyCache {
  private readonly map = new Map<string, Buffer>();
  constructor(private readonly max: number) {}

  get(secret: string, date: string, region: string, service: string): Buffer {
    const id = `${date}\u0000${region}\u0000${service}\u0000${secret}`;
    const hit = this.map.get(id);
    if (hit) {
      this.map.delete(id);
      this.map.set(id, hit);
      return hit;
    }
    let key = createHmac('sha256', `AWS4${secret}`).update(date).digest();
    for (const part of [region, service, TERMINATOR]) key = createHmac('sha256', key).update(part).digest();
    if (this.map.size >= this.max) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(id, key);
    return key;
  }
}

function computeSignature(
  signingKey: Buffer,
  amzDate: string,
  scope: string,
  canonicalRequestHash: string,
): string {
  const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${canonicalRequestHash}`;
  return createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
}

// ---------------------------------------------------------------------------------------------------------
// Verifier

interface ParsedAuth {
  credential: string;
  signedHeaders: string;
  signature: string;
  amzDate: string;
  /** query auth only */
  expiresS?: number;
  securityToken?: string;
  contentSha256?: string;
  presigned: boolean;
}

function headerTable(raw: readonly string[]): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const list = table.get(name);
    if (list) list.push(value);
    else table.set(name, [value]);
  }
  return table;
}

function joined(table: Map<string, string[]>, name: string): string | undefined {
  const v = table.get(name);
  return v ? canonicalHeaderValue(v) : undefined;
}

function parseHeaderAuth(auth: string, headers: Map<string, string[]>): ParsedAuth {
  const words = auth.split(/[, ]/).filter((w) => w !== '');
  const algorithm = words[0] ?? '';
  const params = new Map<string, string>();
  for (const w of words.slice(1)) {
    const eq = w.indexOf('=');
    if (eq <= 0) continue;
    const k = w.slice(0, eq);
    if (!params.has(k)) params.set(k, w.slice(eq + 1));
  }
  let msg = '';
  for (const p of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!params.get(p)) msg += `Authorization header requires '${p}' parameter. `;
  }
  const xAmzDate = joined(headers, 'x-amz-date');
  const date = joined(headers, 'date');
  if (!xAmzDate && !date) {
    msg += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (msg) throw incomplete(`${msg}Authorization=${auth}`);
  if (algorithm !== ALGORITHM) throw incomplete(`Unsupported AWS 'algorithm': '${algorithm}'.`);

  let amzDate: string;
  if (xAmzDate) amzDate = xAmzDate;
  else {
    // Only a Date header: accept ISO-8601 basic format or an HTTP date.
    const d = date as string;
    const ms = Date.parse(d);
    amzDate = parseAmzDate(d) !== undefined || Number.isNaN(ms) ? d : formatAmzDate(ms);
  }
  const out: ParsedAuth = {
    credential: params.get('Credential') as string,
    signedHeaders: params.get('SignedHeaders') as string,
    signature: params.get('Signature') as string,
    amzDate,
    presigned: false,
  };
  const token = joined(headers, 'x-amz-security-token');
  if (token !== undefined) out.securityToken = token;
  const sha = joined(headers, 'x-amz-content-sha256');
  if (sha !== undefined) out.contentSha256 = sha;
  return out;
}

function parseQueryAuth(query: readonly QueryParam[], headers: Map<string, string[]>): ParsedAuth {
  const get = (k: string): string | undefined => query.find((p) => p.key === k)?.value;
  let msg = '';
  for (const p of ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date']) {
    if (!get(p)) msg += `AWS query-string parameters must include '${p}'. `;
  }
  if (msg) throw incomplete(`${msg}Re-examine the query-string parameters.`);
  const algorithm = get('X-Amz-Algorithm') as string;
  if (algorithm !== ALGORITHM) throw incomplete(`Unsupported AWS 'algorithm': '${algorithm}'.`);
  const out: ParsedAuth = {
    credential: get('X-Amz-Credential') as string,
    signedHeaders: get('X-Amz-SignedHeaders') as string,
    signature: get('X-Amz-Signature') as string,
    amzDate: get('X-Amz-Date') as string,
    presigned: true,
  };
  const expires = get('X-Amz-Expires');
  if (expires !== undefined) {
    const n = /^\d{1,7}$/.test(expires) ? Number(expires) : NaN;
    if (!(n >= 1 && n <= MAX_PRESIGN_EXPIRES_S)) {
      throw incomplete(`X-Amz-Expires must be an integer from 1 to ${MAX_PRESIGN_EXPIRES_S} seconds, got '${expires}'.`);
    }
    out.expiresS = n;
  }
  const token = get('X-Amz-Security-Token') ?? joined(headers, 'x-amz-security-token');
  if (token !== undefined) out.securityToken = token;
  const sha = joined(headers, 'x-amz-content-sha256') ?? get('X-Amz-Content-Sha256');
  if (sha !== undefined) out.contentSha256 = sha;
  return out;
}

export class SigV4Verifier {
  private readonly lookup: (accessKeyId: string) => Credential | undefined;
  private readonly now: () => number;
  private readonly skewMs: number;
  private readonly services: readonly string[];
  private readonly keys = new SigningKeyCache(KEY_CACHE_SIZE);

  constructor(opts: SigV4VerifierOptions) {
    this.lookup = opts.lookup;
    this.now = opts.now ?? Date.now;
    this.skewMs = opts.skewMs ?? DEFAULT_SKEW_MS;
    this.services = opts.services ?? ['secretsmanager'];
  }

  verify(req: SigV4Request): VerifiedCaller {
    const headers = headerTable(req.rawHeaders);
    const target = splitTarget(req.url);
    const query = parseQuery(target.query, 'wire');
    const authHeaders = headers.get('authorization');
    const queryAuth = query.some((p) => p.key === 'X-Amz-Algorithm');

    // 1. Anything to authenticate with at all?
    if (!authHeaders && !queryAuth) throw new AwsError('MissingAuthenticationTokenException', MSG_MISSING);

    // 2. Well-formed authentication information.
    if (authHeaders && queryAuth) {
      throw incomplete(
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.',
      );
    }
    if (authHeaders && authHeaders.length > 1) throw incomplete('Only one Authorization header is allowed.');
    const auth = authHeaders
      ? parseHeaderAuth(authHeaders[0] as string, headers)
      : parseQueryAuth(query, headers);

    const scope = auth.credential.split('/');
    if (scope.length !== 5) {
      throw incomplete(
        `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${auth.credential}'`,
      );
    }
    const [accessKeyId, scopeDate, region, service, terminator] = scope as [string, string, string, string, string];
    if (!/^\d{8}$/.test(scopeDate)) {
      throw incomplete(`Invalid credential date "${scopeDate}". Date is not the required format: yyyyMMdd.`);
    }
    if (region === '') throw incomplete("Credential should be scoped to a valid region, not ''. ");
    if (terminator !== TERMINATOR) {
      throw incomplete(`Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'.`);
    }
    const requestMs = parseAmzDate(auth.amzDate);
    if (requestMs === undefined) {
      throw incomplete(
        `Date must be in ISO-8601 'basic format'. Got '${auth.amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      );
    }

    // 3. Service.
    if (!this.services.includes(service)) {
      throw invalid(`Credential should be scoped to correct service: '${this.services[0] ?? ''}'.`);
    }

    // 4. Access key.
    const credential = accessKeyId === '' ? undefined : this.lookup(accessKeyId);
    if (!credential) throw new AwsError('UnrecognizedClientException', MSG_BAD_TOKEN);

    // 5. Session token.
    const now = this.now();
    if (credential.sessionToken !== undefined) {
      if (auth.securityToken === undefined || !safeEqual(auth.securityToken, credential.sessionToken)) {
        throw new AwsError('UnrecognizedClientException', MSG_BAD_TOKEN);
      }
    } else if (auth.securityToken !== undefined) {
      throw new AwsError('UnrecognizedClientException', MSG_BAD_TOKEN);
    }
    if (credential.expiresAt !== undefined && now > credential.expiresAt) {
      throw new AwsError('ExpiredTokenException', MSG_EXPIRED_TOKEN);
    }

    // 6. Date: scope vs X-Amz-Date, then clock skew.
    const httpDate = auth.amzDate.slice(0, 8);
    if (httpDate !== scopeDate) {
      throw invalid(
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${httpDate}', from '${auth.amzDate}'.`,
      );
    }
    const minutes = `${this.skewMs / 60000} min.`;
    if (requestMs > now + this.skewMs) {
      throw invalid(
        `Signature not yet current: ${auth.amzDate} is still later than ${formatAmzDate(now + this.skewMs)} (${formatAmzDate(now)} + ${minutes})`,
      );
    }
    if (auth.expiresS !== undefined) {
      const windowMs = auth.expiresS * 1000;
      if (requestMs < now - windowMs) {
        throw invalid(
          `Signature expired: ${auth.amzDate} is now earlier than ${formatAmzDate(now - windowMs)} (${formatAmzDate(now)} - ${auth.expiresS} sec.)`,
        );
      }
    } else if (requestMs < now - this.skewMs) {
      throw invalid(
        `Signature expired: ${auth.amzDate} is now earlier than ${formatAmzDate(now - this.skewMs)} (${formatAmzDate(now)} - ${minutes})`,
      );
    }

    // 7. Payload: always hashed here; a declared hash must match it.
    const payloadHash = sha256Hex(req.body);
    if (auth.contentSha256 !== undefined) {
      if (auth.contentSha256 === 'UNSIGNED-PAYLOAD' || auth.contentSha256.startsWith('STREAMING-')) {
        throw invalid(`x-amz-content-sha256 '${auth.contentSha256}' is not supported by this service; sign the SHA-256 of the payload.`);
      }
      if (auth.contentSha256 !== payloadHash) {
        throw invalid("The provided 'x-amz-content-sha256' header does not match what was computed.");
      }
    }

    // 8. Canonical request.
    const signedNames = [...new Set(auth.signedHeaders.split(';').map((n) => n.trim().toLowerCase()))]
      .filter((n) => n !== '')
      .sort();
    if (!signedNames.includes('host')) {
      throw invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    }
    const canonicalHeaders: Array<readonly [string, string]> = [];
    for (const name of signedNames) {
      const values = headers.get(name);
      if (!values) throw invalid(`Header '${name}' is listed in SignedHeaders but is not present in the request.`);
      canonicalHeaders.push([name, canonicalHeaderValue(values)]);
    }
    const crHash = hashCanonicalRequest({
      method: req.method.toUpperCase(),
      uri: canonicalUri(target.path, 'wire'),
      query: canonicalQuery(query, auth.presigned),
      headers: canonicalHeaders,
      source: 'wire',
      payloadHash,
    });

    // 9. Signature.
    const key = this.keys.get(credential.secretAccessKey, scopeDate, region, service);
    const expected = computeSignature(key, auth.amzDate, `${scopeDate}/${region}/${service}/${TERMINATOR}`, crHash);
    if (!safeEqual(expected, auth.signature)) throw invalid(MSG_MISMATCH);

    return { accessKeyId, region, service, credential };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Signer

const signerKeys = new SigningKeyCache(64);

/**
 * Signs a request with SigV4 in header form and returns every header to send, lower-cased: the given ones
 * plus host, x-amz-date, x-amz-security-token (with a session token) and authorization. All of them are
 * signed. `path` is the request target as it will go on the wire (already percent-encoded, may carry a
 * query string). Header values are hashed as UTF-8, as the AWS SDKs do.
 */
export function signRequest(opts: {
  method: string;
  host: string;
  path: string;
  headers: Record<string, string>;
  body: string | Buffer;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  service: string;
  now?: Date;
}): Record<string, string> {
  const amzDate = formatAmzDate((opts.now ?? new Date()).getTime());
  const date = amzDate.slice(0, 8);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers)) {
    const name = k.toLowerCase();
    if (name === 'authorization' || name === 'x-amz-date' || name === 'x-amz-security-token') continue;
    if (Object.prototype.hasOwnProperty.call(out, name)) throw new Error(`signRequest: header '${name}' given twice`);
    out[name] = v;
  }
  if (out['host'] === undefined) out['host'] = opts.host;
  out['x-amz-date'] = amzDate;
  if (opts.sessionToken !== undefined) out['x-amz-security-token'] = opts.sessionToken;

  const names = Object.keys(out).sort();
  const target = splitTarget(opts.path);
  const crHash = hashCanonicalRequest({
    method: opts.method.toUpperCase(),
    uri: canonicalUri(target.path, 'utf8'),
    query: canonicalQuery(parseQuery(target.query, 'utf8'), false),
    headers: names.map((n) => [n, canonicalHeaderValue([out[n] as string])] as const),
    source: 'utf8',
    payloadHash: sha256Hex(typeof opts.body === 'string' ? Buffer.from(opts.body, 'utf8') : opts.body),
  });
  const scope = `${date}/${opts.region}/${opts.service}/${TERMINATOR}`;
  const signature = computeSignature(
    signerKeys.get(opts.secretAccessKey, date, opts.region, opts.service),
    amzDate,
    scope,
    crHash,
  );
  out['authorization'] =
    `${ALGORITHM} Credential=${opts.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return out;
}
