import { describe, it, expect } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { AwsError } from '../domain/errors.js';
import { SigV4Verifier, signRequest } from './sigv4.js';
import type { Credential, SigV4Request, SigV4VerifierOptions } from './sigv4.js';

// ------------------------------------------------------------------------------------------------------
// Fixtures

/** @smithy/hash-node exports `Hash`; the SDK uses `Hash.bind(null, 'sha256')` as its Sha256 constructor. */
const Sha256 = Hash.bind(null, 'sha256');

const AKID = 'AKIDEXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const TEMP_AKID = 'ASIATEMPEXAMPLE';
const TEMP_SECRET = 'tempSecretKey/0123456789abcdefghijklmnopq';
const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+example=';
/** 2026-11-26T00:40:12Z */
const T0 = Date.UTC(2026, 10, 26, 0, 40, 12);
const MIN = 60_000;
const HOST = 'localhost:4566';
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

function baseCreds(): Record<string, Credential> {
  return {
    [AKID]: { secretAccessKey: SECRET, accountId: '123456789012', principalArn: 'arn:aws:iam::123456789012:root' },
    [TEMP_AKID]: {
      secretAccessKey: TEMP_SECRET,
      accountId: '123456789012',
      principalArn: 'arn:aws:sts::123456789012:assumed-role/rotator/fn',
      sessionToken: TOKEN,
      expiresAt: T0 + 60 * MIN,
    },
  };
}

function verifier(opts: Partial<SigV4VerifierOptions> & { creds?: Record<string, Credential> } = {}): SigV4Verifier {
  const creds = opts.creds ?? baseCreds();
  const o: SigV4VerifierOptions = { lookup: (id) => creds[id], now: opts.now ?? (() => T0) };
  if (opts.skewMs !== undefined) o.skewMs = opts.skewMs;
  if (opts.services !== undefined) o.services = opts.services;
  return new SigV4Verifier(o);
}

function expectAwsError(fn: () => unknown, code: string, message?: string | RegExp): AwsError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected an AwsError to be thrown').toBeInstanceOf(AwsError);
  const e = caught as AwsError;
  expect(e.code).toBe(code);
  expect(e.status).toBe(403);
  if (typeof message === 'string') expect(e.message).toBe(message);
  else if (message) expect(e.message).toMatch(message);
  return e;
}

/** What node's HTTP parser hands us: header bytes decoded as latin1. */
function wire(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

function toRaw(headers: Record<string, string>): string[] {
  const raw: string[] = [];
  for (const [k, v] of Object.entries(headers)) raw.push(k, wire(v));
  return raw;
}

function rawGet(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if (raw[i]?.toLowerCase() === name) return raw[i + 1];
  return undefined;
}

function rawSet(raw: readonly string[], name: string, value: string | undefined): string[] {
  const out: string[] = [];
  let done = false;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]?.toLowerCase() === name) {
      if (value !== undefined && !done) out.push(raw[i] as string, value);
      done = true;
    } else out.push(raw[i] as string, raw[i + 1] as string);
  }
  if (!done && value !== undefined) out.push(name, value);
  return out;
}

function signedHeadersOf(raw: readonly string[]): string {
  const m = /SignedHeaders=([^,]+)/.exec(rawGet(raw, 'authorization') ?? '');
  return m?.[1] ?? '';
}

function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function wireQuery(query: Record<string, string | string[] | null> | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query ?? {})) {
    for (const one of Array.isArray(v) ? v : [v ?? '']) parts.push(`${escapeUri(k)}=${escapeUri(one)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

interface OracleInput {
  method?: string;
  /** path as sent on the wire (already percent-encoded), as the SDK hands it to the signer */
  path?: string;
  /** decoded query, as smithy expects */
  query?: Record<string, string | string[]>;
  headers: Record<string, string>;
  body: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  region?: string;
  service?: string;
  date?: number;
  applyChecksum?: boolean;
  unsignable?: string[];
}

/** Signs with @smithy/signature-v4 (the oracle) and returns what our server would receive. */
async function oracle(o: OracleInput): Promise<SigV4Request> {
  const creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = {
    accessKeyId: o.accessKeyId ?? AKID,
    secretAccessKey: o.secretAccessKey ?? SECRET,
  };
  if (o.sessionToken !== undefined) creds.sessionToken = o.sessionToken;
  const signer = new SignatureV4({
    credentials: creds,
    region: o.region ?? 'us-east-1',
    service: o.service ?? 'secretsmanager',
    sha256: Sha256,
    applyChecksum: o.applyChecksum ?? false,
  });
  const req = new HttpRequest({
    method: o.method ?? 'POST',
    protocol: 'http:',
    hostname: 'localhost',
    port: 4566,
    path: o.path ?? '/',
    query: o.query ?? {},
    headers: { ...o.headers },
    body: o.body,
  });
  const signed = await signer.sign(req, {
    signingDate: new Date(o.date ?? T0),
    ...(o.unsignable ? { unsignableHeaders: new Set(o.unsignable) } : {}),
  });
  const headers = signed.headers;
  return {
    method: signed.method,
    url: `${signed.path}${wireQuery(signed.query)}`,
    rawHeaders: toRaw(headers),
    body: Buffer.from(o.body, 'utf8'),
  };
}

const GET_BODY = '{"SecretId":"prod/db/main"}';

function cliHeaders(body: string, target = 'secretsmanager.GetSecretValue'): Record<string, string> {
  return {
    Host: HOST,
    'Content-Type': 'application/x-amz-json-1.1',
    'X-Amz-Target': target,
    'User-Agent':
      'aws-cli/2.9.19 Python/3.11.2 Linux/6.1.0-18-amd64 source/x86_64.debian.12 prompt/off command/secretsmanager.get-secret-value',
    'Content-Length': String(Buffer.byteLength(body)),
  };
}

/** awscli v1/v2 style: signs content-type;host;x-amz-date;x-amz-target (+ x-amz-security-token). */
function cliRequest(extra: Partial<OracleInput> = {}): Promise<SigV4Request> {
  const body = extra.body ?? GET_BODY;
  return oracle({ headers: cliHeaders(body), body, unsignable: ['content-length'], ...extra });
}

/** @aws-sdk v3 style header set, with x-amz-content-sha256 from applyChecksum. */
function sdkRequest(extra: Partial<OracleInput> = {}): Promise<SigV4Request> {
  const body = extra.body ?? GET_BODY;
  return oracle({
    headers: {
      host: HOST,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.GetSecretValue',
      'amz-sdk-invocation-id': '6b8a1c0e-1b8a-4c7c-9d2e-0f3a5b7c9d1e',
      'amz-sdk-request': 'attempt=1; max=3',
      'content-length': String(Buffer.byteLength(body)),
      'x-amz-user-agent': 'aws-sdk-js/3.1164.0',
      'user-agent': 'aws-sdk-js/3.1164.0 ua/2.1 os/linux#6.1.0 lang/js md/nodejs#20.20.2 api/secrets-manager#3.1164.0 m/E',
    },
    body,
    applyChecksum: true,
    ...extra,
  });
}

// ------------------------------------------------------------------------------------------------------

describe('SigV4Verifier: valid requests', () => {
  it('accepts an awscli-style request and reports the caller', async () => {
    const req = await cliRequest();
    expect(signedHeadersOf(req.rawHeaders)).toBe('content-type;host;x-amz-date;x-amz-target');
    const caller = verifier().verify(req);
    expect(caller.accessKeyId).toBe(AKID);
    expect(caller.region).toBe('us-east-1');
    expect(caller.service).toBe('secretsmanager');
    expect(caller.credential.accountId).toBe('123456789012');
  });

  it('accepts an awscli-style request with a session token', async () => {
    const req = await cliRequest({ accessKeyId: TEMP_AKID, secretAccessKey: TEMP_SECRET, sessionToken: TOKEN, region: 'eu-west-1' });
    expect(signedHeadersOf(req.rawHeaders)).toBe('content-type;host;x-amz-date;x-amz-security-token;x-amz-target');
    const caller = verifier().verify(req);
    expect(caller.accessKeyId).toBe(TEMP_AKID);
    expect(caller.region).toBe('eu-west-1');
    expect(caller.credential.principalArn).toContain('assumed-role');
  });

  it('accepts an SDK v3-style request (x-amz-content-sha256, amz-sdk-*, content-length signed)', async () => {
    const req = await sdkRequest();
    expect(signedHeadersOf(req.rawHeaders)).toBe(
      'amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target;x-amz-user-agent',
    );
    expect(verifier().verify(req).accessKeyId).toBe(AKID);
  });

  it('accepts a request whose clock is within the 5 minute window, both ways', async () => {
    const req = await cliRequest();
    expect(() => verifier({ now: () => T0 + 5 * MIN }).verify(req)).not.toThrow();
    expect(() => verifier({ now: () => T0 - 5 * MIN }).verify(req)).not.toThrow();
  });

  it('accepts Unicode in the body and in a signed header value', async () => {
    const body = '{"Name":"prod/ünïcødé/€/😀","SecretString":"pässwörd ☕","Tags":[{"Key":"ÄÖÜ","Value":"日本"}]}';
    const headers = { ...cliHeaders(body, 'secretsmanager.CreateSecret'), 'X-Amz-Meta-Note': 'café ☕' };
    const req = await oracle({ headers, body, unsignable: ['content-length'] });
    expect(signedHeadersOf(req.rawHeaders)).toContain('x-amz-meta-note');
    expect(verifier().verify(req).accessKeyId).toBe(AKID);
    const changed = { ...req, body: Buffer.from(body.replace('€', '$'), 'utf8') };
    expectAwsError(() => verifier().verify(changed), 'InvalidSignatureException', MISMATCH);
  });

  it('joins duplicate headers with "," in arrival order', async () => {
    const signed = await cliRequest({ headers: { ...cliHeaders(GET_BODY), 'X-Dup': 'a,b' } });
    const withoutDup = rawSet(signed.rawHeaders, 'x-dup', undefined);
    const dup = { ...signed, rawHeaders: [...withoutDup, 'X-Dup', 'a', 'x-dup', ' b '] };
    expect(verifier().verify(dup).accessKeyId).toBe(AKID);
    const reversed = { ...signed, rawHeaders: [...withoutDup, 'X-Dup', 'b', 'x-dup', 'a'] };
    expectAwsError(() => verifier().verify(reversed), 'InvalidSignatureException', MISMATCH);
    const nodeStyle = { ...signed, rawHeaders: [...withoutDup, 'X-Dup', 'a, b'] };
    expectAwsError(() => verifier().verify(nodeStyle), 'InvalidSignatureException', MISMATCH);
  });

  it('collapses runs of spaces and tabs in header values', async () => {
    const signed = await cliRequest({ headers: { ...cliHeaders(GET_BODY), 'X-Spaces': 'a   b\t\t c' } });
    const collapsed = { ...signed, rawHeaders: rawSet(signed.rawHeaders, 'x-spaces', 'a b c') };
    expect(verifier().verify(collapsed).accessKeyId).toBe(AKID);
    const different = { ...signed, rawHeaders: rawSet(signed.rawHeaders, 'x-spaces', 'ab c') };
    expectAwsError(() => verifier().verify(different), 'InvalidSignatureException', MISMATCH);
  });

  it('still accepts a request whose unsigned headers changed or were added', async () => {
    const req = await cliRequest();
    let raw = rawSet(req.rawHeaders, 'user-agent', 'curl/8.0');
    raw = rawSet(raw, 'content-length', '9999');
    raw = [...raw, 'X-Forwarded-For', '10.0.0.1'];
    expect(verifier().verify({ ...req, rawHeaders: raw }).accessKeyId).toBe(AKID);
  });

  it('canonicalises paths and query strings the way the smithy signer does', async () => {
    const cases: Array<{ path: string; query?: Record<string, string | string[]> }> = [
      { path: '/' },
      { path: '/a%20b' },
      { path: '/a%20b/c%2Fd/' },
      { path: '/x/./y/../z' },
      { path: '/%E2%82%AC/%C3%BC' },
      { path: '/', query: { b: '2', a: ['1', '0'], 'sp ace': 'v/w+x', empty: '', 'ü': '€' } },
    ];
    for (const c of cases) {
      const req = await cliRequest(c.query ? { path: c.path, query: c.query } : { path: c.path });
      expect(verifier().verify(req).accessKeyId, `${c.path}${JSON.stringify(c.query ?? {})}`).toBe(AKID);
    }
    const req = await cliRequest({ path: '/a%20b' });
    expectAwsError(() => verifier().verify({ ...req, url: '/a%20c' }), 'InvalidSignatureException', MISMATCH);
    expectAwsError(() => verifier().verify({ ...req, url: '/a%20b?x=1' }), 'InvalidSignatureException', MISMATCH);
    expectAwsError(() => verifier().verify({ ...req, method: 'PUT' }), 'InvalidSignatureException', MISMATCH);
  });

  it('accepts presigned (query-string) authentication and enforces X-Amz-Expires', async () => {
    const signer = new SignatureV4({
      credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
      region: 'us-east-1',
      service: 'secretsmanager',
      sha256: Sha256,
      applyChecksum: false,
    });
    const presigned = await signer.presign(
      new HttpRequest({
        method: 'POST',
        protocol: 'http:',
        hostname: 'localhost',
        port: 4566,
        path: '/',
        headers: cliHeaders(GET_BODY),
        body: GET_BODY,
      }),
      { signingDate: new Date(T0), expiresIn: 600, unhoistableHeaders: new Set(['x-amz-target']) },
    );
    const req: SigV4Request = {
      method: 'POST',
      url: `/${wireQuery(presigned.query)}`,
      rawHeaders: toRaw(presigned.headers),
      body: Buffer.from(GET_BODY),
    };
    expect(rawGet(req.rawHeaders, 'authorization')).toBeUndefined();
    expect(req.url).toContain('X-Amz-Algorithm=AWS4-HMAC-SHA256');
    expect(verifier({ now: () => T0 + 9 * MIN }).verify(req).accessKeyId).toBe(AKID);
    expectAwsError(() => verifier({ now: () => T0 + 11 * MIN }).verify(req), 'InvalidSignatureException', /^Signature expired/);
    expectAwsError(
      () => verifier().verify({ ...req, body: Buffer.from('{"SecretId":"other"}') }),
      'InvalidSignatureException',
      MISMATCH,
    );
    expectAwsError(
      () => verifier().verify({ ...req, url: req.url.replace('X-Amz-Expires=600', 'X-Amz-Expires=6000') }),
      'InvalidSignatureException',
      MISMATCH,
    );
    expectAwsError(
      () => verifier().verify({ ...req, url: req.url.replace(/&?X-Amz-Signature=[0-9a-f]+/, '') }),
      'IncompleteSignatureException',
      "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters.",
    );
  });
});

describe('SigV4Verifier: rejected requests', () => {
  it('rejects a changed body (CLI style, no x-amz-content-sha256)', async () => {
    const req = await cliRequest();
    const changed = { ...req, body: Buffer.from('{"SecretId":"prod/db/other"}') };
    expectAwsError(() => verifier().verify(changed), 'InvalidSignatureException', MISMATCH);
  });

  it('rejects a changed body even when x-amz-content-sha256 still names the old hash (SDK style)', async () => {
    const req = await sdkRequest();
    const changed = { ...req, body: Buffer.from('{"SecretId":"prod/db/other"}') };
    expectAwsError(
      () => verifier().verify(changed),
      'InvalidSignatureException',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
    const newHash = '2a9ad2b0ee5b2ab0e0a1ed1a4d4c7c6d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b';
    const rehashed = { ...changed, rawHeaders: rawSet(changed.rawHeaders, 'x-amz-content-sha256', newHash) };
    expectAwsError(() => verifier().verify(rehashed), 'InvalidSignatureException');
  });

  it('rejects a changed X-Amz-Target', async () => {
    const req = await cliRequest();
    const changed = { ...req, rawHeaders: rawSet(req.rawHeaders, 'x-amz-target', 'secretsmanager.DeleteSecret') };
    expectAwsError(() => verifier().verify(changed), 'InvalidSignatureException', MISMATCH);
  });

  it('rejects a wrong secret key', async () => {
    const req = await cliRequest({ secretAccessKey: `${SECRET.slice(0, -1)}X` });
    expectAwsError(() => verifier().verify(req), 'InvalidSignatureException', MISMATCH);
  });

  it('does not reuse a cached signing key after the secret changes', async () => {
    const creds = baseCreds();
    const v = verifier({ creds });
    const req = await cliRequest();
    expect(v.verify(req).accessKeyId).toBe(AKID);
    creds[AKID] = { ...(creds[AKID] as Credential), secretAccessKey: 'rotated/secret/key/0000000000000000000000' };
    expectAwsError(() => v.verify(req), 'InvalidSignatureException', MISMATCH);
  });

  it('rejects an unknown access key', async () => {
    const req = await cliRequest({ accessKeyId: 'AKIAUNKNOWN000000000' });
    expectAwsError(
      () => verifier().verify(req),
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  });

  it('rejects a client clock 6 minutes behind or ahead with AWS-formatted messages', async () => {
    const req = await cliRequest();
    expectAwsError(
      () => verifier({ now: () => T0 + 6 * MIN }).verify(req),
      'InvalidSignatureException',
      'Signature expired: 20261126T004012Z is now earlier than 20261126T004112Z (20261126T004612Z - 5 min.)',
    );
    expectAwsError(
      () => verifier({ now: () => T0 - 6 * MIN }).verify(req),
      'InvalidSignatureException',
      'Signature not yet current: 20261126T004012Z is still later than 20261126T003912Z (20261126T003412Z + 5 min.)',
    );
    expectAwsError(
      () => verifier({ now: () => T0 + 2 * MIN, skewMs: MIN }).verify(req),
      'InvalidSignatureException',
      /^Signature expired: .*\(20261126T004212Z - 1 min\.\)$/,
    );
  });

  it('rejects an X-Amz-Date whose day differs from the credential scope', async () => {
    const req = await cliRequest();
    const nextDay = T0 + 24 * 60 * MIN;
    const changed = { ...req, rawHeaders: rawSet(req.rawHeaders, 'x-amz-date', '20261127T004012Z') };
    expectAwsError(
      () => verifier({ now: () => nextDay }).verify(changed),
      'InvalidSignatureException',
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261126' != '20261127', from '20261127T004012Z'.",
    );
  });

  it('rejects a request without any authentication', async () => {
    const req = await cliRequest();
    const anon = { ...req, rawHeaders: rawSet(req.rawHeaders, 'authorization', undefined) };
    expectAwsError(() => verifier().verify(anon), 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  });

  it('rejects malformed Authorization headers with IncompleteSignatureException naming what is missing', async () => {
    const req = await cliRequest();
    const auth = rawGet(req.rawHeaders, 'authorization') as string;
    const withAuth = (a: string, raw = req.rawHeaders) => ({ ...req, rawHeaders: rawSet(raw, 'authorization', a) });

    expectAwsError(
      () => verifier().verify(withAuth('Bearer abc')),
      'IncompleteSignatureException',
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer abc",
    );
    const noSig = auth.replace(/, Signature=[0-9a-f]+/, '');
    expectAwsError(
      () => verifier().verify(withAuth(noSig)),
      'IncompleteSignatureException',
      `Authorization header requires 'Signature' parameter. Authorization=${noSig}`,
    );
    expectAwsError(
      () => verifier().verify(withAuth(auth, rawSet(req.rawHeaders, 'x-amz-date', undefined))),
      'IncompleteSignatureException',
      /requires existence of either a 'X-Amz-Date' or a 'Date' header/,
    );
    expectAwsError(
      () => verifier().verify(withAuth(auth.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512'))),
      'IncompleteSignatureException',
      "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'.",
    );
    expectAwsError(
      () => verifier().verify(withAuth(auth.replace('/aws4_request', ''))),
      'IncompleteSignatureException',
      /^Credential must have exactly 5 slash-delimited elements, e.g. keyid\/date\/region\/service\/term, got 'AKIDEXAMPLE\/20261126\/us-east-1\/secretsmanager'$/,
    );
    expectAwsError(
      () => verifier().verify(withAuth(auth.replace('/aws4_request', '/aws4_req'))),
      'IncompleteSignatureException',
      /valid terminator: 'aws4_request', not 'aws4_req'/,
    );
    expectAwsError(
      () => verifier().verify(withAuth(auth.replace('/20261126/', '/2026-11-26/'))),
      'IncompleteSignatureException',
      /yyyyMMdd/,
    );
    expectAwsError(
      () => verifier().verify({ ...req, rawHeaders: rawSet(req.rawHeaders, 'x-amz-date', '2026-11-26T00:40:12Z') }),
      'IncompleteSignatureException',
      /^Date must be in ISO-8601 'basic format'/,
    );
    expectAwsError(
      () => verifier().verify({ ...req, rawHeaders: [...req.rawHeaders, 'Authorization', auth] }),
      'IncompleteSignatureException',
    );
    expectAwsError(
      () => verifier().verify({ ...req, url: '/?X-Amz-Algorithm=AWS4-HMAC-SHA256' }),
      'IncompleteSignatureException',
      /^Only one auth mechanism allowed/,
    );
  });

  it('rejects a credential scoped to another service, unless that service is accepted', async () => {
    const req = await cliRequest({ service: 'kms' });
    expectAwsError(
      () => verifier().verify(req),
      'InvalidSignatureException',
      "Credential should be scoped to correct service: 'secretsmanager'.",
    );
    expect(verifier({ services: ['secretsmanager', 'kms'] }).verify(req).service).toBe('kms');
  });

  it('checks session tokens: missing, wrong, unexpected and expired', async () => {
    const temp = { accessKeyId: TEMP_AKID, secretAccessKey: TEMP_SECRET };
    const INVALID = 'The security token included in the request is invalid.';
    const missing = await cliRequest(temp);
    expectAwsError(() => verifier().verify(missing), 'UnrecognizedClientException', INVALID);
    const wrong = await cliRequest({ ...temp, sessionToken: `${TOKEN}x` });
    expectAwsError(() => verifier().verify(wrong), 'UnrecognizedClientException', INVALID);
    const unexpected = await cliRequest({ sessionToken: TOKEN });
    expectAwsError(() => verifier().verify(unexpected), 'UnrecognizedClientException', INVALID);

    const good = await cliRequest({ ...temp, sessionToken: TOKEN });
    const creds = baseCreds();
    creds[TEMP_AKID] = { ...(creds[TEMP_AKID] as Credential), expiresAt: T0 - 1 };
    expectAwsError(
      () => verifier({ creds }).verify(good),
      'ExpiredTokenException',
      'The security token included in the request is expired',
    );
  });

  it('rejects UNSIGNED-PAYLOAD and STREAMING-* payload hashes', async () => {
    for (const value of ['UNSIGNED-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD']) {
      const req = await cliRequest({ headers: { ...cliHeaders(GET_BODY), 'x-amz-content-sha256': value } });
      expect(signedHeadersOf(req.rawHeaders)).toContain('x-amz-content-sha256');
      expectAwsError(() => verifier().verify(req), 'InvalidSignatureException', new RegExp(value));
    }
  });

  it('requires host to be signed and every signed header to be present', async () => {
    const headers = cliHeaders(GET_BODY);
    const { Host: _host, ...noHost } = headers;
    const unsignedHost = await oracle({ headers: noHost, body: GET_BODY, unsignable: ['content-length'] });
    expect(signedHeadersOf(unsignedHost.rawHeaders)).toBe('content-type;x-amz-date;x-amz-target');
    expectAwsError(
      () => verifier().verify({ ...unsignedHost, rawHeaders: [...unsignedHost.rawHeaders, 'Host', HOST] }),
      'InvalidSignatureException',
      /'Host' or ':authority' must be a 'SignedHeader'/,
    );
    const req = await cliRequest();
    expectAwsError(
      () => verifier().verify({ ...req, rawHeaders: rawSet(req.rawHeaders, 'x-amz-target', undefined) }),
      'InvalidSignatureException',
      /x-amz-target/,
    );
    expectAwsError(
      () => verifier().verify({ ...req, rawHeaders: rawSet(req.rawHeaders, 'host', '127.0.0.1:4566') }),
      'InvalidSignatureException',
      MISMATCH,
    );
  });

  it('applies the checks in AWS order', async () => {
    // wrong service (3) before unknown key (4)
    const kmsUnknown = await cliRequest({ service: 'kms', accessKeyId: 'AKIAUNKNOWN' });
    expectAwsError(() => verifier().verify(kmsUnknown), 'InvalidSignatureException', /scoped to correct service/);
    // unknown key (4) before clock skew (6)
    const unknown = await cliRequest({ accessKeyId: 'AKIAUNKNOWN' });
    expectAwsError(() => verifier({ now: () => T0 + 60 * MIN }).verify(unknown), 'UnrecognizedClientException');
    // session token (5) before clock skew (6)
    const noToken = await cliRequest({ accessKeyId: TEMP_AKID, secretAccessKey: TEMP_SECRET });
    expectAwsError(() => verifier({ now: () => T0 + 60 * MIN }).verify(noToken), 'UnrecognizedClientException');
    // clock skew (6) before payload hash (7)
    const sdk = await sdkRequest();
    const skewedChanged = { ...sdk, body: Buffer.from('{}') };
    expectAwsError(() => verifier({ now: () => T0 + 60 * MIN }).verify(skewedChanged), 'InvalidSignatureException', /^Signature expired/);
    // malformed (2) before everything
    expectAwsError(
      () => verifier().verify({ ...kmsUnknown, rawHeaders: rawSet(kmsUnknown.rawHeaders, 'x-amz-date', 'yesterday') }),
      'IncompleteSignatureException',
    );
  });
});

describe('signRequest', () => {
  const base = {
    method: 'POST',
    host: HOST,
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'secretsmanager.GetSecretValue' },
    accessKeyId: AKID,
    secretAccessKey: SECRET,
    region: 'us-east-1',
    service: 'secretsmanager',
    now: new Date(T0),
  };

  it('round-trips through the verifier, with and without a session token', () => {
    const plain = signRequest({ ...base, path: '/', body: GET_BODY });
    expect(plain['host']).toBe(HOST);
    expect(plain['x-amz-date']).toBe('20261126T004012Z');
    expect(plain['x-amz-security-token']).toBeUndefined();
    const req = { method: 'POST', url: '/', rawHeaders: toRaw(plain), body: Buffer.from(GET_BODY) };
    expect(verifier().verify(req).accessKeyId).toBe(AKID);
    expectAwsError(() => verifier().verify({ ...req, body: Buffer.from('{}') }), 'InvalidSignatureException', MISMATCH);

    const body = Buffer.from('{"Name":"ünïcødé ☕"}', 'utf8');
    const temp = signRequest({
      ...base,
      path: '/a%20b/c?x=1&a=b%20c',
      body,
      accessKeyId: TEMP_AKID,
      secretAccessKey: TEMP_SECRET,
      sessionToken: TOKEN,
    });
    expect(temp['x-amz-security-token']).toBe(TOKEN);
    expect(temp['authorization']).toContain('x-amz-security-token');
    const caller = verifier().verify({ method: 'POST', url: '/a%20b/c?x=1&a=b%20c', rawHeaders: toRaw(temp), body });
    expect(caller.accessKeyId).toBe(TEMP_AKID);
  });

  it('produces the same Authorization header as @smithy/signature-v4', async () => {
    const cases: Array<{ path: string; smithyPath: string; query: Record<string, string | string[]>; sessionToken?: string; headers: Record<string, string> }> = [
      { path: '/', smithyPath: '/', query: {}, headers: base.headers },
      {
        path: '/a%20b/c?x=1&a=b%20c&a=%C3%BC',
        smithyPath: '/a%20b/c',
        query: { x: '1', a: ['b c', 'ü'] },
        sessionToken: TOKEN,
        headers: { ...base.headers, 'X-Extra': '  spaced   out\tvalue ' },
      },
    ];
    for (const c of cases) {
      const ours = signRequest({
        ...base,
        headers: c.headers,
        path: c.path,
        body: GET_BODY,
        ...(c.sessionToken !== undefined ? { sessionToken: c.sessionToken } : {}),
      });
      const theirs = await oracle({
        path: c.smithyPath,
        query: c.query,
        headers: { ...c.headers, host: HOST },
        body: GET_BODY,
        ...(c.sessionToken !== undefined ? { sessionToken: c.sessionToken } : {}),
      });
      expect(ours['authorization']).toBe(rawGet(theirs.rawHeaders, 'authorization'));
      expect(ours['x-amz-date']).toBe(rawGet(theirs.rawHeaders, 'x-amz-date'));
    }
  });
});

describe('real @aws-sdk/client-secrets-manager over HTTP', () => {
  it('verifies GetSecretValue and CreateSecret (Unicode, tags, session token) and rejects a wrong secret', async () => {
    const credsForSdk: Record<string, Credential> = {
      ASIASDKTEMP: {
        secretAccessKey: TEMP_SECRET,
        accountId: '123456789012',
        principalArn: 'arn:aws:sts::123456789012:assumed-role/r/s',
        sessionToken: TOKEN,
      },
    };
    const v = new SigV4Verifier({ lookup: (id) => baseCreds()[id] ?? credsForSdk[id] });
    const seen: Array<{ ok: boolean; code?: string; signedHeaders: string }> = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const sreq: SigV4Request = {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          rawHeaders: req.rawHeaders,
          body: Buffer.concat(chunks),
        };
        const signedHeaders = signedHeadersOf(req.rawHeaders);
        try {
          v.verify(sreq);
          seen.push({ ok: true, signedHeaders });
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(
            JSON.stringify({
              ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf',
              Name: 'x',
              VersionId: 'EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE',
              SecretString: 's',
              VersionStages: ['AWSCURRENT'],
              CreatedDate: 1,
            }),
          );
        } catch (e) {
          const code = e instanceof AwsError ? e.code : 'InternalServiceError';
          seen.push({ ok: false, code, signedHeaders });
          res.writeHead(e instanceof AwsError ? 400 : 500, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify({ __type: code, message: e instanceof Error ? e.message : String(e) }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const client = (accessKeyId: string, secretAccessKey: string, sessionToken?: string) =>
      new SecretsManagerClient({
        region: 'us-east-1',
        endpoint: `http://127.0.0.1:${port}`,
        maxAttempts: 1,
        credentials: sessionToken === undefined ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, sessionToken },
      });
    try {
      const ok = client(AKID, SECRET);
      await ok.send(new GetSecretValueCommand({ SecretId: 'prod/db/main' }));
      await ok.send(
        new CreateSecretCommand({
          Name: 'prod/ünïcødé/€',
          SecretString: '{"password":"pässwörd ☕ 😀"}',
          Tags: [{ Key: 'Ünit', Value: '日本' }],
        }),
      );
      const temp = client('ASIASDKTEMP', TEMP_SECRET, TOKEN);
      await temp.send(new GetSecretValueCommand({ SecretId: 'x' }));
      const bad = client(AKID, `${SECRET}x`);
      await expect(bad.send(new GetSecretValueCommand({ SecretId: 'x' }))).rejects.toMatchObject({
        name: 'InvalidSignatureException',
      });
      ok.destroy();
      temp.destroy();
      bad.destroy();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(seen.map((s) => s.ok)).toEqual([true, true, true, false]);
    expect(seen[3]?.code).toBe('InvalidSignatureException');
    expect(seen[0]?.signedHeaders).toContain('x-amz-content-sha256');
    expect(seen[2]?.signedHeaders).toContain('x-amz-security-token');
  });
});
