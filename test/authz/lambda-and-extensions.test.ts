/**
 * Authorization of the Lambda REST API and of Rotor's own operations (docs/authorization.md): a user with
 * only lambda:GetFunction reads but cannot create, delete or invoke; CreateFunction needs iam:PassRole;
 * rotor.ListRotationRuns / rotor.ListEvents need DescribeSecret / ListSecrets; the admin is unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/auth/sigv4.js';
import { startTestApp, TEST_ACCOUNT, TEST_KEY_ID, TEST_REGION, TEST_SECRET, type TestApp } from '../helpers/app.js';
import { token, uniqueName } from '../helpers/api.js';
import { createRequest } from '../functions/support.js';

const SECRET = 'authzsecretkey00000000000000000000000000';
const key = (n: number) => `AKIALAMBDA${String(n).padStart(10, '0')}`;
const user = (name: string) => `arn:aws:iam::${TEST_ACCOUNT}:user/${name}`;
const ROLE = `arn:aws:iam::${TEST_ACCOUNT}:role/rotation-role`;
const fnArn = (name: string) => `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:${name}`;
const doc = (...Statement: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement });
const ADMIN = { id: TEST_KEY_ID, secret: TEST_SECRET };

const P = {
  getter: { id: key(1), arn: user('fn-getter'), secret: SECRET },
  creatorNoPass: { id: key(2), arn: user('fn-creator'), secret: SECRET },
  creator: { id: key(3), arn: user('fn-creator-passrole'), secret: SECRET },
  noDescribe: { id: key(4), arn: user('no-describe'), secret: SECRET },
  describer: { id: key(5), arn: user('describer'), secret: SECRET },
};

const declared = [
  { p: P.getter, policies: [doc({ Effect: 'Allow', Action: 'lambda:GetFunction', Resource: 'arn:aws:lambda:*:*:function:authz-*' })] },
  { p: P.creatorNoPass, policies: [doc({ Effect: 'Allow', Action: 'lambda:CreateFunction', Resource: '*' })] },
  {
    p: P.creator,
    policies: [doc({ Effect: 'Allow', Action: 'lambda:CreateFunction', Resource: '*' }, { Effect: 'Allow', Action: 'iam:PassRole', Resource: ROLE })],
  },
  { p: P.noDescribe, policies: [doc({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' })] },
  { p: P.describer, policies: [doc({ Effect: 'Allow', Action: 'secretsmanager:DescribeSecret', Resource: '*' })] },
];

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({
    credentials: declared.map(({ p, policies }) => ({ accessKeyId: p.id, secretAccessKey: SECRET, accountId: TEST_ACCOUNT, principalArn: p.arn, policies })),
  });
});
afterAll(async () => {
  await t.close();
});

interface Who {
  id: string;
  secret: string;
}

async function lambda(who: Who, method: string, path: string, body = '', headers: Record<string, string> = {}) {
  const url = new URL(t.endpoint);
  const signed = signRequest({
    method,
    host: url.host,
    path,
    headers: { ...(body !== '' ? { 'content-type': 'application/json' } : {}), ...headers },
    body,
    accessKeyId: who.id,
    secretAccessKey: who.secret,
    region: TEST_REGION,
    service: 'lambda',
  });
  const res = await fetch(`${t.endpoint}${path}`, { method, headers: signed, ...(body !== '' ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> };
}

const rotor = (who: Who, op: string, body: unknown) => t.raw(`x`, body, { accessKeyId: who.id, secretAccessKey: who.secret, headers: { 'x-amz-target': `rotor.${op}` } });

function expectDenied(r: { status: number; headers: Headers; json: Record<string, unknown> }, p: { arn: string }, action: string, resource: string): void {
  expect(r.status, JSON.stringify(r.json)).toBe(403);
  expect(r.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
  expect(r.json).toEqual({
    Type: 'User',
    message: `User: ${p.arn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
  });
}

const create = (name: string) => JSON.stringify(createRequest(name, 'nodejs20.x', 'index.handler', { 'index.js': 'exports.handler = async () => 1;' }, { Role: ROLE }));
const P_ = '/2015-03-31/functions';

describe('the Lambda REST API', () => {
  it('a user allowed only lambda:GetFunction reads but cannot create, delete or invoke', async () => {
    const name = uniqueName('authz-fn').replace(/[^a-zA-Z0-9-_]/g, '-');
    const made = await lambda(ADMIN, 'POST', P_, create(name));
    expect(made.status, JSON.stringify(made.json)).toBe(201);

    const got = await lambda(P.getter, 'GET', `${P_}/${name}`);
    expect(got.status).toBe(200);
    expect((got.json.Configuration as { FunctionArn: string }).FunctionArn).toBe(fnArn(name));

    expectDenied(await lambda(P.getter, 'GET', `${P_}/${name}/configuration`), P.getter, 'lambda:GetFunctionConfiguration', fnArn(name));
    expectDenied(await lambda(P.getter, 'GET', P_), P.getter, 'lambda:ListFunctions', '*');
    expectDenied(await lambda(P.getter, 'POST', P_, create(`${name}-2`)), P.getter, 'lambda:CreateFunction', fnArn(`${name}-2`));
    expectDenied(await lambda(P.getter, 'DELETE', `${P_}/${name}`), P.getter, 'lambda:DeleteFunction', fnArn(name));
    expectDenied(await lambda(P.getter, 'POST', `${P_}/${name}/invocations`, '{}'), P.getter, 'lambda:InvokeFunction', fnArn(name));
    expectDenied(await lambda(P.getter, 'PUT', `${P_}/${name}/configuration`, '{"Timeout":5}'), P.getter, 'lambda:UpdateFunctionConfiguration', fnArn(name));
    expectDenied(await lambda(P.getter, 'GET', `${P_}/${name}/policy`), P.getter, 'lambda:GetPolicy', fnArn(name));
    // Existence is not leaked: a function that is not there is denied the same way.
    expectDenied(await lambda(P.getter, 'DELETE', `${P_}/nope-${name}`), P.getter, 'lambda:DeleteFunction', fnArn(`nope-${name}`));
    // Built-in rotators are behind the same check.
    expectDenied(await lambda(P.getter, 'GET', `${P_}/rotor-builtin-random-value/configuration`), P.getter, 'lambda:GetFunctionConfiguration', fnArn('rotor-builtin-random-value'));

    expect((await lambda(ADMIN, 'GET', `${P_}/${name}`)).status).toBe(200);
  });

  it('CreateFunction also needs iam:PassRole on the role', async () => {
    const name = uniqueName('authz-pass').replace(/[^a-zA-Z0-9-_]/g, '-');
    expectDenied(await lambda(P.creatorNoPass, 'POST', P_, create(name)), P.creatorNoPass, 'iam:PassRole', ROLE);
    expect((await lambda(ADMIN, 'GET', `${P_}/${name}`)).status).toBe(404);
    const ok = await lambda(P.creator, 'POST', P_, create(name));
    expect(ok.status, JSON.stringify(ok.json)).toBe(201);
  });

  it('the admin is unaffected', async () => {
    const name = uniqueName('authz-admin').replace(/[^a-zA-Z0-9-_]/g, '-');
    expect((await lambda(ADMIN, 'POST', P_, create(name))).status).toBe(201);
    expect((await lambda(ADMIN, 'GET', P_)).status).toBe(200);
    expect((await lambda(ADMIN, 'GET', `${P_}/${name}/configuration`)).status).toBe(200);
    expect((await lambda(ADMIN, 'POST', `${P_}/${name}/invocations`, '{}', { 'x-amz-invocation-type': 'DryRun' })).status).toBe(204);
    expect((await lambda(ADMIN, 'DELETE', `${P_}/${name}`)).status).toBe(204);
    expect((await lambda(ADMIN, 'GET', `${P_}/${name}`)).status).toBe(404);
  });
});

describe("Rotor's own operations", () => {
  it('rotor.ListRotationRuns needs secretsmanager:DescribeSecret on the secret', async () => {
    const name = uniqueName('authz-runs');
    const c = await t.raw('CreateSecret', { Name: name, SecretString: 'v', ClientRequestToken: token() });
    expect(c.status).toBe(200);
    const arn = c.body.ARN as string;

    const no = await rotor(P.noDescribe, 'ListRotationRuns', { SecretId: arn });
    expect(no.status).toBe(400);
    expect(no.body).toEqual({
      __type: 'AccessDeniedException',
      Message: `User: ${P.noDescribe.arn} is not authorized to perform: secretsmanager:DescribeSecret on resource: ${arn} because no identity-based policy allows the secretsmanager:DescribeSecret action`,
    });
    // Not found is not leaked either.
    expect((await rotor(P.noDescribe, 'ListRotationRuns', { SecretId: `${name}-missing` })).body.__type).toBe('AccessDeniedException');

    const yes = await rotor(P.describer, 'ListRotationRuns', { SecretId: name });
    expect(yes.status, JSON.stringify(yes.body)).toBe(200);
    expect(yes.body).toMatchObject({ ARN: arn, RotationRuns: [] });
    const admin = await rotor(ADMIN, 'ListRotationRuns', { SecretId: arn });
    expect(admin.status).toBe(200);
  });

  it('rotor.ListEvents needs DescribeSecret with a SecretId, else ListSecrets on *', async () => {
    const name = uniqueName('authz-events');
    const c = await t.raw('CreateSecret', { Name: name, SecretString: 'v', ClientRequestToken: token() });
    const arn = c.body.ARN as string;
    expect((await rotor(P.noDescribe, 'ListEvents', { SecretId: arn })).body.__type).toBe('AccessDeniedException');
    expect((await rotor(P.describer, 'ListEvents', { SecretId: arn })).status).toBe(200);
    const all = await rotor(P.describer, 'ListEvents', {});
    expect(all.status).toBe(400);
    expect(all.body.Message).toBe(
      `User: ${P.describer.arn} is not authorized to perform: secretsmanager:ListSecrets on resource: * because no identity-based policy allows the secretsmanager:ListSecrets action`,
    );
    expect((await rotor(ADMIN, 'ListEvents', {})).status).toBe(200);
  });
});
