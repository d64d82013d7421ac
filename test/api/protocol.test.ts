/** The AWS JSON 1.1 wire protocol (spec §1): routing, errors, headers, authentication and robustness. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSecretCommand, GetSecretValueCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestApp, TEST_KEY_ID, TEST_REGION, TEST_SECRET, type TestApp } from '../helpers/app.js';
import { signRequest } from '../../src/auth/sigv4.js';
import { keysOf, NOT_FOUND_MESSAGE, token, uniqueName } from '../helpers/api.js';

let t: TestApp;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

interface Sent {
  status: number;
  text: string;
  body: Record<string, unknown>;
  headers: Headers;
}

/** A request signed (or not) exactly as asked: other keys, a tampered body, missing headers. */
async function send(opts: {
  target?: string;
  body?: string;
  sign?: boolean;
  keyId?: string;
  secret?: string;
  signedBody?: string;
  headers?: Record<string, string>;
  method?: string;
  path?: string;
}): Promise<Sent> {
  const url = new URL(t.endpoint);
  const body = opts.body ?? '{}';
  let headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.1',
    ...(opts.target !== undefined ? { 'x-amz-target': opts.target } : {}),
    ...(opts.headers ?? {}),
  };
  if (opts.sign !== false) {
    headers = signRequest({
      method: opts.method ?? 'POST',
      host: url.host,
      path: opts.path ?? '/',
      headers,
      body: opts.signedBody ?? body,
      accessKeyId: opts.keyId ?? TEST_KEY_ID,
      secretAccessKey: opts.secret ?? TEST_SECRET,
      region: TEST_REGION,
      service: 'secretsmanager',
    });
    delete headers['host'];
  }
  const method = opts.method ?? 'POST';
  const res = await fetch(new URL(opts.path ?? '/', t.endpoint), { method, headers, ...(method === 'GET' ? {} : { body }) });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    parsed = {};
  }
  return { status: res.status, text, body: parsed, headers: res.headers };
}

function expectAwsError(r: Sent, status: number, code: string): void {
  expect(r.status).toBe(status);
  expect(keysOf(r.body)).toEqual(['Message', '__type']);
  expect(r.body.__type).toBe(code);
  expect(typeof r.body.Message).toBe('string');
  expect(r.headers.get('x-amzn-errortype')).toBe(code);
  expect(r.headers.get('x-amzn-requestid')).toMatch(UUID);
  expect(r.headers.get('content-type')).toBe('application/x-amz-json-1.1');
}

describe('validation', () => {
  it('an unknown X-Amz-Target answers UnknownOperationException', async () => {
    const r = await send({ target: 'secretsmanager.FlyToTheMoon' });
    expectAwsError(r, 400, 'UnknownOperationException');
  });

  it('a target of another service or a missing target answers UnknownOperationException', async () => {
    expectAwsError(await send({ target: 'AmazonSSM.GetParameter' }), 400, 'UnknownOperationException');
    expectAwsError(await send({}), 400, 'UnknownOperationException');
  });

  it('malformed JSON answers SerializationException', async () => {
    expectAwsError(await send({ target: 'secretsmanager.ListSecrets', body: '{"MaxResults": ' }), 400, 'SerializationException');
    expectAwsError(await send({ target: 'secretsmanager.ListSecrets', body: 'not json at all' }), 400, 'SerializationException');
  });

  it('a JSON body that is not an object answers SerializationException', async () => {
    expectAwsError(await send({ target: 'secretsmanager.ListSecrets', body: '[1,2]' }), 400, 'SerializationException');
    expectAwsError(await send({ target: 'secretsmanager.ListSecrets', body: '"text"' }), 400, 'SerializationException');
  });

  it('members of the wrong JSON type answer SerializationException', async () => {
    const cases: [string, unknown][] = [
      ['DescribeSecret', { SecretId: 42 }],
      ['ListSecrets', { MaxResults: '10' }],
      ['ListSecrets', { MaxResults: 1.5 }],
      ['ListSecrets', { IncludePlannedDeletion: 'yes' }],
      ['ListSecrets', { Filters: { Key: 'name' } }],
      ['CreateSecret', { Name: 'x', Tags: 'a=b' }],
      ['CreateSecret', { Name: 'x', SecretBinary: 'not base64!!', ClientRequestToken: token() }],
      ['GetRandomPassword', { ExcludeNumbers: 1 }],
    ];
    for (const [op, body] of cases) {
      const r = await t.raw(op, body);
      expect(r.status, `${op} ${JSON.stringify(body)}`).toBe(400);
      expect(r.body.__type, `${op} ${JSON.stringify(body)}`).toBe('SerializationException');
    }
  });

  it('a constraint violation answers ValidationException listing every violation', async () => {
    const r = await t.raw('ListSecrets', { MaxResults: 0, SortOrder: 'sideways' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      __type: 'ValidationException',
      Message:
        "2 validation errors detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value 'sideways' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [asc, desc]",
    });
  });

  it('a request without SigV4 answers 403 MissingAuthenticationTokenException', async () => {
    const r = await send({ target: 'secretsmanager.ListSecrets', sign: false });
    expectAwsError(r, 403, 'MissingAuthenticationTokenException');
    // Authentication comes before routing: an unsigned unknown operation is also 403.
    expectAwsError(await send({ target: 'secretsmanager.Nope', sign: false }), 403, 'MissingAuthenticationTokenException');
  });

  it('an unknown access key answers 403 UnrecognizedClientException', async () => {
    const r = await send({ target: 'secretsmanager.ListSecrets', keyId: 'AKIAUNKNOWNKEY000001' });
    expectAwsError(r, 403, 'UnrecognizedClientException');
    expect(r.body.Message).toBe('The security token included in the request is invalid.');
  });

  it('a wrong secret key answers 403 InvalidSignatureException', async () => {
    const r = await send({ target: 'secretsmanager.ListSecrets', secret: 'wrongsecretkey00000000000000000000000000' });
    expectAwsError(r, 403, 'InvalidSignatureException');
    expect(r.body.Message).toContain('The request signature we calculated does not match the signature you provided.');
  });

  it('a body changed after signing answers 403 InvalidSignatureException', async () => {
    const r = await send({ target: 'secretsmanager.ListSecrets', body: '{"MaxResults":5}', signedBody: '{"MaxResults":6}' });
    expectAwsError(r, 403, 'InvalidSignatureException');
  });

  it('a malformed Authorization header answers 403 IncompleteSignatureException', async () => {
    const r = await send({
      target: 'secretsmanager.ListSecrets',
      sign: false,
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=garbage', 'x-amz-date': '20260101T000000Z' },
    });
    expectAwsError(r, 403, 'IncompleteSignatureException');
  });

  it('the SDK surfaces authentication failures by code', async () => {
    const bad = new SecretsManagerClient({
      endpoint: t.endpoint,
      region: TEST_REGION,
      credentials: { accessKeyId: TEST_KEY_ID, secretAccessKey: 'wrongsecretkey00000000000000000000000000' },
      maxAttempts: 1,
    });
    try {
      await expect(bad.send(new ListSecretsCommand({}))).rejects.toMatchObject({
        name: 'InvalidSignatureException',
        $metadata: { httpStatusCode: 403 },
      });
    } finally {
      bad.destroy();
    }
  });

  it('an oversized body answers 413', async () => {
    const big = JSON.stringify({ Name: 'x', SecretString: 'a'.repeat(1024 * 1024 + 10) });
    const r = await send({ target: 'secretsmanager.CreateSecret', body: big });
    expectAwsError(r, 413, 'RequestEntityTooLargeException');
  });
});

describe('serialization', () => {
  it('GET /health answers 200 {"status":"ok"} without authentication', async () => {
    const res = await fetch(new URL('/health', t.endpoint));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('success responses are JSON 1.1 with an x-amzn-RequestId, different on every request', async () => {
    const a = await t.raw('ListSecrets', {});
    const b = await t.raw('ListSecrets', {});
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(a.headers.get('x-amzn-requestid')).toMatch(UUID);
    expect(b.headers.get('x-amzn-requestid')).toMatch(UUID);
    expect(a.headers.get('x-amzn-requestid')).not.toBe(b.headers.get('x-amzn-requestid'));
    expect(a.headers.get('x-amzn-errortype')).toBeNull();
  });

  it('service errors are HTTP 400 {"__type","Message"} with x-amzn-ErrorType (even not found)', async () => {
    const r = await t.raw('DescribeSecret', { SecretId: uniqueName('proto-missing') });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ __type: 'ResourceNotFoundException', Message: NOT_FOUND_MESSAGE });
    expect(r.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(r.headers.get('x-amzn-requestid')).toMatch(UUID);
  });

  it('the SDK reads error code, message and status', async () => {
    await expect(t.client.send(new GetSecretValueCommand({ SecretId: uniqueName('proto-sdk') }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: NOT_FOUND_MESSAGE,
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('responses never contain null', async () => {
    const n = uniqueName('proto-null');
    await t.client.send(new CreateSecretCommand({ Name: n }));
    const r = await t.raw('DescribeSecret', { SecretId: n });
    expect(r.status).toBe(200);
    const nulls = (v: unknown): boolean =>
      v === null || (typeof v === 'object' && Object.values(v as Record<string, unknown>).some(nulls));
    expect(nulls(r.body)).toBe(false);
    expect(nulls((await t.raw('ListSecrets', {})).body)).toBe(false);
  });
});

describe('behaviour', () => {
  it('an empty body counts as {}', async () => {
    const r = await send({ target: 'secretsmanager.ListSecrets', body: '' });
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body.SecretList)).toBe(true);
  });

  it('unknown members are ignored and null members count as absent', async () => {
    const n = uniqueName('proto-extra');
    const r = await t.raw('CreateSecret', {
      Name: n,
      SecretString: 'v',
      SecretBinary: null,
      ClientRequestToken: token(),
      Colour: 'blue',
      Description: null,
      KmsKeyId: null,
      Tags: [{ Key: 'k', Value: 'v' }],
    });
    expect(r.status).toBe(200);
    const d = await t.raw('DescribeSecret', { SecretId: n, Stray: [1, 2, 3] });
    expect(d.status).toBe(200);
    expect(keysOf(d.body)).toEqual(['ARN', 'CreatedDate', 'LastChangedDate', 'Name', 'Tags', 'VersionIdsToStages']);
    const p = await t.raw('PutSecretValue', { SecretId: n, SecretString: null, SecretBinary: Buffer.from('b').toString('base64'), ClientRequestToken: token(), VersionStages: null });
    expect(p.status).toBe(200);
    expect(p.body.VersionStages).toEqual(['AWSCURRENT']);
    const g = await t.raw('GetSecretValue', { SecretId: n, VersionId: null, VersionStage: null });
    expect(g.body.SecretBinary).toBe(Buffer.from('b').toString('base64'));
    const u = await t.raw('UpdateSecret', { SecretId: n, Description: null, KmsKeyId: null, SecretString: null, ClientRequestToken: null });
    expect(u.body).toEqual({ ARN: r.body.ARN, Name: n });
    const l = await t.raw('ListSecrets', { Filters: [{ Key: 'name', Values: [n] }], NextToken: null, SortBy: null });
    expect((l.body.SecretList as unknown[]).length).toBe(1);
  });

  it('keeps serving after malformed, unauthenticated and oversized requests', async () => {
    await send({ target: 'secretsmanager.ListSecrets', body: '{' });
    await send({ target: 'secretsmanager.ListSecrets', sign: false });
    await send({ target: 'secretsmanager.CreateSecret', body: 'x'.repeat(2 * 1024 * 1024) });
    await send({ target: 'secretsmanager.Unknown' });
    const n = uniqueName('proto-after');
    await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'still here' }));
    expect((await t.client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('still here');
  });

  it('serves concurrent requests', async () => {
    const names = Array.from({ length: 20 }, () => uniqueName('proto-conc'));
    await Promise.all(names.map((n, i) => t.client.send(new CreateSecretCommand({ Name: n, SecretString: `v${i}` }))));
    const values = await Promise.all(names.map((n) => t.client.send(new GetSecretValueCommand({ SecretId: n }))));
    expect(values.map((v) => v.SecretString)).toEqual(names.map((_, i) => `v${i}`));
  });
});
