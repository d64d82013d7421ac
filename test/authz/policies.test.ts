/**
 * Authorization through the API (docs/authorization.md): declared principals with identity policies,
 * explicit denies, conditions, resource policies across accounts, RotateSecret's lambda:InvokeFunction,
 * and the bootstrap admin's unchanged full access.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ACCOUNT, TEST_REGION, type TestApp } from '../helpers/app.js';
import type { FunctionInvoker } from '../../src/functions/types.js';
import { token, uniqueName } from '../helpers/api.js';

const OTHER_ACCOUNT = '444455556666';
const SECRET = 'authzsecretkey00000000000000000000000000';
const key = (n: number) => `AKIAAUTHZ${String(n).padStart(11, '0')}`;
const user = (name: string, account = TEST_ACCOUNT) => `arn:aws:iam::${account}:user/${name}`;
const secretPattern = (p: string, account = TEST_ACCOUNT) => `arn:aws:secretsmanager:${TEST_REGION}:${account}:secret:${p}`;
const FN = `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:rotate-authz`;
const doc = (...Statement: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement });

interface Declared {
  id: string;
  arn: string;
  account?: string;
}

const P = {
  reader: { id: key(1), arn: user('prod-reader') },
  denied: { id: key(2), arn: user('denied') },
  tagged: { id: key(3), arn: user('tagged') },
  ipOk: { id: key(4), arn: user('ip-ok') },
  ipNo: { id: key(5), arn: user('ip-no') },
  rotNoLambda: { id: key(6), arn: user('rotator-no-lambda') },
  rotWithLambda: { id: key(7), arn: user('rotator') },
  lister: { id: key(8), arn: user('lister') },
  partner: { id: key(9), arn: user('partner', OTHER_ACCOUNT), account: OTHER_ACCOUNT },
  self: { id: key(10), arn: user('alice') },
} satisfies Record<string, Declared>;

const declared: { p: Declared; policies: unknown[] }[] = [
  { p: P.reader, policies: [doc({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretPattern('prod/*') })] },
  {
    p: P.denied,
    policies: [
      doc(
        { Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*' },
        { Effect: 'Deny', Action: 'secretsmanager:GetSecretValue', Resource: secretPattern('prod/root-??????') },
      ),
    ],
  },
  {
    p: P.tagged,
    policies: [doc({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { StringEquals: { 'secretsmanager:ResourceTag/team': 'blue' } } })],
  },
  { p: P.ipOk, policies: [doc({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': ['127.0.0.0/8', '::1/128'] } } })] },
  { p: P.ipNo, policies: [doc({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })] },
  { p: P.rotNoLambda, policies: [doc({ Effect: 'Allow', Action: ['secretsmanager:RotateSecret', 'secretsmanager:DescribeSecret'], Resource: '*' })] },
  {
    p: P.rotWithLambda,
    policies: [doc({ Effect: 'Allow', Action: 'secretsmanager:RotateSecret', Resource: '*' }, { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: `arn:aws:lambda:*:*:function:rotate-*` })],
  },
  { p: P.lister, policies: [doc({ Effect: 'Allow', Action: 'secretsmanager:ListSecrets', Resource: secretPattern('*') })] },
  { p: P.partner, policies: [doc({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: '*' })] },
  { p: P.self, policies: [doc({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretPattern('home/${aws:username}/*') })] },
];

/** A function that exists and lets Secrets Manager invoke it; its steps succeed without doing anything. */
const functions: FunctionInvoker = {
  async canSecretsManagerInvoke() {
    return true;
  },
  async invoke() {
    return { ok: true, payload: 'null', logs: '', durationMs: 1 };
  },
};

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({
    invoker: functions,
    credentials: declared.map(({ p, policies }) => ({
      accessKeyId: p.id,
      secretAccessKey: SECRET,
      accountId: p.account ?? TEST_ACCOUNT,
      principalArn: p.arn,
      policies,
    })),
    kmsKeys: [{ accountId: TEST_ACCOUNT, region: TEST_REGION, keyId: 'c0ffee00-0000-4000-8000-00000000a0a0', aliases: ['alias/shared'] }],
  });
});
afterAll(async () => {
  await t.close();
});

const as = (p: { id: string }, op: string, body: unknown) => t.raw(op, body, { accessKeyId: p.id, secretAccessKey: SECRET });

async function create(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await t.raw('CreateSecret', { Name: name, SecretString: `value of ${name}`, ClientRequestToken: token(), ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.ARN as string;
}

const denial = (p: { arn: string }, action: string, resource: string, because = `because no identity-based policy allows the ${action} action`) => ({
  __type: 'AccessDeniedException',
  Message: `User: ${p.arn} is not authorized to perform: ${action} on resource: ${resource} ${because}`,
});

describe('identity policies', () => {
  it('a user allowed GetSecretValue on secret:prod/* reads prod/db only', async () => {
    const prod = await create(uniqueName('prod/db'));
    const dev = await create(uniqueName('dev/db'));
    const ok = await as(P.reader, 'GetSecretValue', { SecretId: prod });
    expect(ok.status).toBe(200);
    expect(ok.body.ARN).toBe(prod);
    const byName = await as(P.reader, 'GetSecretValue', { SecretId: prod.split(':secret:')[1]?.slice(0, -7) });
    expect(byName.status).toBe(200);

    const no = await as(P.reader, 'GetSecretValue', { SecretId: dev });
    expect(no.status).toBe(400);
    expect(no.body).toEqual(denial(P.reader, 'secretsmanager:GetSecretValue', dev));

    const put = await as(P.reader, 'PutSecretValue', { SecretId: prod, SecretString: 'x', ClientRequestToken: token() });
    expect(put.body).toEqual(denial(P.reader, 'secretsmanager:PutSecretValue', prod));
    // The value did not change.
    expect((await t.raw('GetSecretValue', { SecretId: prod })).body.SecretString).toMatch(/^value of /);
  });

  it('never reveals whether a secret exists to a caller without permission', async () => {
    const missingArn = secretPattern('dev/none-AbCdEf');
    const r = await as(P.reader, 'GetSecretValue', { SecretId: missingArn });
    expect(r.body).toEqual(denial(P.reader, 'secretsmanager:GetSecretValue', missingArn));
    const byName = await as(P.reader, 'GetSecretValue', { SecretId: 'dev/none' });
    expect(byName.body).toEqual(denial(P.reader, 'secretsmanager:GetSecretValue', secretPattern('dev/none')));
    // An allowed caller learns that it does not exist.
    const allowed = await as(P.reader, 'GetSecretValue', { SecretId: 'prod/none' });
    expect(allowed.body.__type).toBe('ResourceNotFoundException');
  });

  it('an explicit Deny wins over an Allow', async () => {
    // The Deny names the full ARN of prod/root (its name plus the 6-character suffix).
    const root = await create('prod/root');
    const r = await as(P.denied, 'GetSecretValue', { SecretId: root });
    expect(r.body).toEqual(denial(P.denied, 'secretsmanager:GetSecretValue', root, 'with an explicit deny in an identity-based policy'));
    expect((await as(P.denied, 'DescribeSecret', { SecretId: root })).status).toBe(200);
  });

  it('secretsmanager:ResourceTag conditions', async () => {
    const blue = await create(uniqueName('tagged'), { Tags: [{ Key: 'team', Value: 'blue' }] });
    const red = await create(uniqueName('tagged'), { Tags: [{ Key: 'team', Value: 'red' }] });
    expect((await as(P.tagged, 'GetSecretValue', { SecretId: blue })).status).toBe(200);
    expect((await as(P.tagged, 'GetSecretValue', { SecretId: red })).body.__type).toBe('AccessDeniedException');
  });

  it('aws:SourceIp conditions (requests come from loopback)', async () => {
    const s = await create(uniqueName('ip'));
    expect((await as(P.ipOk, 'GetSecretValue', { SecretId: s })).status).toBe(200);
    expect((await as(P.ipNo, 'GetSecretValue', { SecretId: s })).body.__type).toBe('AccessDeniedException');
  });

  it('${aws:username} in a Resource', async () => {
    const mine = await create(uniqueName('home/alice'));
    const theirs = await create(uniqueName('home/bob'));
    expect((await as(P.self, 'GetSecretValue', { SecretId: mine })).status).toBe(200);
    expect((await as(P.self, 'GetSecretValue', { SecretId: theirs })).body.__type).toBe('AccessDeniedException');
  });

  it('ListSecrets needs the action on "*" (a secret ARN pattern is not enough), and is not filtered', async () => {
    const r = await as(P.lister, 'ListSecrets', {});
    expect(r.body).toEqual(denial(P.lister, 'secretsmanager:ListSecrets', '*'));
    const admin = await t.raw('ListSecrets', {});
    expect(admin.status).toBe(200);
  });
});

describe('RotateSecret', () => {
  it('is denied without lambda:InvokeFunction on the function, and nothing is stored', async () => {
    const s = await create(uniqueName('rot'));
    const r = await as(P.rotNoLambda, 'RotateSecret', { SecretId: s, RotationLambdaARN: FN, ClientRequestToken: token(), RotationRules: { AutomaticallyAfterDays: 30 } });
    expect(r.body).toEqual(denial(P.rotNoLambda, 'lambda:InvokeFunction', FN));
    const d = await as(P.rotNoLambda, 'DescribeSecret', { SecretId: s });
    expect(d.body.RotationEnabled).toBeUndefined();
    expect(d.body.RotationLambdaARN).toBeUndefined();
  });

  it('is allowed with secretsmanager:RotateSecret and lambda:InvokeFunction', async () => {
    const s = await create(uniqueName('rot'));
    const r = await as(P.rotWithLambda, 'RotateSecret', { SecretId: s, RotationLambdaARN: FN, ClientRequestToken: token(), RotationRules: { AutomaticallyAfterDays: 30 } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });
});

describe('resource policies and cross-account access', () => {
  const grant = (acct: string) =>
    JSON.stringify(doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: '*' }));

  it('another account reads by full ARN when both policies allow (customer-managed key)', async () => {
    const s = await create(uniqueName('shared'), { KmsKeyId: 'alias/shared' });
    const before = await as(P.partner, 'GetSecretValue', { SecretId: s });
    expect(before.body).toEqual(denial(P.partner, 'secretsmanager:GetSecretValue', s, 'because no resource-based policy allows the secretsmanager:GetSecretValue action'));
    expect((await t.raw('PutResourcePolicy', { SecretId: s, ResourcePolicy: grant(OTHER_ACCOUNT) })).status).toBe(200);
    const after = await as(P.partner, 'GetSecretValue', { SecretId: s });
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    expect(after.body.ARN).toBe(s);
    expect(after.body.SecretString).toMatch(/^value of shared\//);
    // Not granted: PutSecretValue.
    const put = await as(P.partner, 'PutSecretValue', { SecretId: s, SecretString: 'x', ClientRequestToken: token() });
    expect(put.body.__type).toBe('AccessDeniedException');
  });

  it('with the default key, GetSecretValue gets the C9 error while DescribeSecret works', async () => {
    const s = await create(uniqueName('shared-default'));
    await t.raw('PutResourcePolicy', { SecretId: s, ResourcePolicy: grant(OTHER_ACCOUNT) });
    const r = await as(P.partner, 'GetSecretValue', { SecretId: s });
    expect(r.body).toEqual({
      __type: 'InvalidRequestException',
      Message: "You can't access a secret from a different AWS account if you encrypt the secret with the default KMS service key.",
    });
    expect((await as(P.partner, 'DescribeSecret', { SecretId: s })).body.ARN).toBe(s);
  });

  it('an unknown ARN in another account is AccessDenied, never not-found', async () => {
    const arn = secretPattern('nothing-AbCdEf');
    const r = await as(P.partner, 'GetSecretValue', { SecretId: arn });
    expect(r.body.__type).toBe('AccessDeniedException');
  });

  it('a resource-policy Deny applies even to the admin', async () => {
    const s = await create(uniqueName('locked'));
    const deny = JSON.stringify(doc({ Effect: 'Deny', Principal: { AWS: TEST_ACCOUNT }, Action: 'secretsmanager:DeleteSecret', Resource: '*' }));
    await t.raw('PutResourcePolicy', { SecretId: s, ResourcePolicy: deny });
    const r = await t.raw('DeleteSecret', { SecretId: s });
    expect(r.body.__type).toBe('AccessDeniedException');
    expect(r.body.Message).toMatch(/with an explicit deny in a resource-based policy$/);
  });

  it('a same-account resource policy alone grants a user without identity permission', async () => {
    const s = await create(uniqueName('dev/granted'));
    expect((await as(P.reader, 'GetSecretValue', { SecretId: s })).body.__type).toBe('AccessDeniedException');
    const p = JSON.stringify(doc({ Effect: 'Allow', Principal: { AWS: P.reader.arn }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }));
    await t.raw('PutResourcePolicy', { SecretId: s, ResourcePolicy: p });
    expect((await as(P.reader, 'GetSecretValue', { SecretId: s })).status).toBe(200);
  });
});

describe('BatchGetSecretValue', () => {
  it('needs the action on "*" and reports per-item denials', async () => {
    const prod = await create(uniqueName('prod/batch'));
    const dev = await create(uniqueName('dev/batch'));
    const r = await as(P.reader, 'BatchGetSecretValue', { SecretIdList: [prod, dev] });
    expect(r.body).toEqual(denial(P.reader, 'secretsmanager:BatchGetSecretValue', '*'));
    const d = await as(P.denied, 'BatchGetSecretValue', { SecretIdList: [prod, dev] });
    expect(d.status).toBe(200);
    expect((d.body.SecretValues as unknown[]).length).toBe(2);
  });
});

describe('the bootstrap admin', () => {
  it('keeps full access', async () => {
    const s = await create(uniqueName('admin'), { Tags: [{ Key: 'a', Value: 'b' }] });
    for (const [op, body] of [
      ['GetSecretValue', { SecretId: s }],
      ['PutSecretValue', { SecretId: s, SecretString: 'n', ClientRequestToken: token() }],
      ['DescribeSecret', { SecretId: s }],
      ['ListSecrets', {}],
      ['GetRandomPassword', {}],
      ['TagResource', { SecretId: s, Tags: [{ Key: 'c', Value: 'd' }] }],
    ] as const) {
      const r = await t.raw(op, body);
      expect(r.status, `${op}: ${JSON.stringify(r.body)}`).toBe(200);
    }
  });
});
