/** PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy and ValidateResourcePolicy (spec §5.15–§5.17). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
  ValidateResourcePolicyCommand,
} from '@aws-sdk/client-secrets-manager';
import { startTestApp, TEST_ACCOUNT, type TestApp } from '../helpers/app.js';
import {
  INVALID_NAME_MESSAGE,
  keysOf,
  list,
  MARKED_FOR_DELETION_MESSAGE,
  NOT_FOUND_MESSAGE,
  uniqueName,
} from '../helpers/api.js';

let t: TestApp;
const name = () => uniqueName('policy');

/** Deliberately unusual whitespace: the text must be stored and returned verbatim. */
const POLICY = `{
  "Version" : "2012-10-17",
    "Statement": [ { "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::${TEST_ACCOUNT}:role/reader"},
      "Action": "secretsmanager:GetSecretValue", "Resource": "*" } ]
}`;
const OTHER_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` }, Action: 'secretsmanager:DeleteSecret', Resource: '*' }],
});
const PUBLIC_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
});
const PUBLIC_AWS_STAR = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
});
const PUBLIC_WITH_CONDITION = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: '*',
      Action: 'secretsmanager:GetSecretValue',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalAccount': TEST_ACCOUNT } },
    },
  ],
});

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

async function create(n: string): Promise<string> {
  return (await t.client.send(new CreateSecretCommand({ Name: n, SecretString: 'v' }))).ARN ?? '';
}

describe('validation', () => {
  it('every operation taking a SecretId rejects an invalid name', async () => {
    const calls = [
      () => t.client.send(new PutResourcePolicyCommand({ SecretId: 'bad name', ResourcePolicy: POLICY })),
      () => t.client.send(new GetResourcePolicyCommand({ SecretId: 'bad name' })),
      () => t.client.send(new DeleteResourcePolicyCommand({ SecretId: 'bad name' })),
      () => t.client.send(new ValidateResourcePolicyCommand({ SecretId: 'bad name', ResourcePolicy: POLICY })),
    ];
    for (const call of calls) {
      await expect(call()).rejects.toMatchObject({ name: 'ValidationException', message: INVALID_NAME_MESSAGE });
    }
  });

  it('every operation answers not found for an unknown secret', async () => {
    const n = name();
    const calls = [
      () => t.client.send(new PutResourcePolicyCommand({ SecretId: n, ResourcePolicy: POLICY })),
      () => t.client.send(new GetResourcePolicyCommand({ SecretId: n })),
      () => t.client.send(new DeleteResourcePolicyCommand({ SecretId: n })),
      () => t.client.send(new ValidateResourcePolicyCommand({ SecretId: n, ResourcePolicy: POLICY })),
    ];
    for (const call of calls) {
      await expect(call()).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: NOT_FOUND_MESSAGE });
    }
  });

  it('PutResourcePolicy rejects malformed documents with MalformedPolicyDocumentException and stores nothing', async () => {
    const n = name();
    await create(n);
    const bad = [
      '{not json',
      '[]',
      JSON.stringify({ Version: '2012-10-17' }),
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Principal: '*', Action: 'secretsmanager:*' }] }),
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*' }] }),
    ];
    for (const doc of bad) {
      await expect(t.client.send(new PutResourcePolicyCommand({ SecretId: n, ResourcePolicy: doc }))).rejects.toMatchObject({
        name: 'MalformedPolicyDocumentException',
      });
    }
    const g = await t.raw('GetResourcePolicy', { SecretId: n });
    expect('ResourcePolicy' in g.body).toBe(false);
  });

  it('PutResourcePolicy with BlockPublicPolicy rejects a policy granting broad access', async () => {
    const n = name();
    await create(n);
    for (const doc of [PUBLIC_POLICY, PUBLIC_AWS_STAR]) {
      await expect(
        t.client.send(new PutResourcePolicyCommand({ SecretId: n, ResourcePolicy: doc, BlockPublicPolicy: true })),
      ).rejects.toMatchObject({ name: 'PublicPolicyException' });
    }
    expect('ResourcePolicy' in (await t.raw('GetResourcePolicy', { SecretId: n })).body).toBe(false);
  });

  it('rejects an empty or oversized ResourcePolicy and a missing one (model constraints)', async () => {
    const n = name();
    await create(n);
    const empty = await t.raw('PutResourcePolicy', { SecretId: n, ResourcePolicy: '' });
    expect(empty.body).toEqual({
      __type: 'ValidationException',
      Message: "1 validation error detected: Value '' at 'resourcePolicy' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
    const big = await t.raw('PutResourcePolicy', { SecretId: n, ResourcePolicy: ' '.repeat(20481) });
    expect(big.body.__type).toBe('ValidationException');
    expect(big.body.Message).toContain("at 'resourcePolicy' failed to satisfy constraint: Member must have length less than or equal to 20480");
    const missing = await t.raw('ValidateResourcePolicy', {});
    expect(missing.body).toEqual({
      __type: 'ValidationException',
      Message: "1 validation error detected: Value null at 'resourcePolicy' failed to satisfy constraint: Member must not be null",
    });
  });

  it('every operation answers "marked for deletion" on a secret scheduled for deletion (C8)', async () => {
    const n = name();
    await create(n);
    await t.client.send(new PutResourcePolicyCommand({ SecretId: n, ResourcePolicy: POLICY }));
    await t.client.send(new DeleteSecretCommand({ SecretId: n }));
    const calls = [
      () => t.client.send(new PutResourcePolicyCommand({ SecretId: n, ResourcePolicy: OTHER_POLICY })),
      () => t.client.send(new GetResourcePolicyCommand({ SecretId: n })),
      () => t.client.send(new DeleteResourcePolicyCommand({ SecretId: n })),
      () => t.client.send(new ValidateResourcePolicyCommand({ SecretId: n, ResourcePolicy: POLICY })),
    ];
    for (const call of calls) {
      await expect(call()).rejects.toMatchObject({ name: 'InvalidRequestException', message: MARKED_FOR_DELETION_MESSAGE });
    }
  });
});

describe('serialization', () => {
  it('PutResourcePolicy and DeleteResourcePolicy return exactly ARN and Name', async () => {
    const n = name();
    const arn = await create(n);
    const put = await t.raw('PutResourcePolicy', { SecretId: n, ResourcePolicy: POLICY });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ ARN: arn, Name: n });
    const del = await t.raw('DeleteResourcePolicy', { SecretId: n });
    expect(del.body).toEqual({ ARN: arn, Name: n });
  });

  it('GetResourcePolicy without a policy returns only ARN and Name', async () => {
    const n = name();
    const arn = await create(n);
    const g = await t.raw('GetResourcePolicy', { SecretId: n });
    expect(g.status).toBe(200);
    expect(g.body).toEqual({ ARN: arn, Name: n });
  });

  it('GetResourcePolicy returns the stored text verbatim', async () => {
    const n = name();
    const arn = await create(n);
    await t.client.send(new PutResourcePolicyCommand({ SecretId: n, ResourcePolicy: POLICY }));
    const g = await t.raw('GetResourcePolicy', { SecretId: n });
    expect(keysOf(g.body)).toEqual(['ARN', 'Name', 'ResourcePolicy']);
    expect(g.body).toEqual({ ARN: arn, Name: n, ResourcePolicy: POLICY });
  });

  it('ValidateResourcePolicy returns PolicyValidationPassed and ValidationErrors', async () => {
    const ok = await t.raw('ValidateResourcePolicy', { ResourcePolicy: POLICY });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ PolicyValidationPassed: true, ValidationErrors: [] });
    const bad = await t.raw('ValidateResourcePolicy', { ResourcePolicy: PUBLIC_POLICY });
    expect(bad.body.PolicyValidationPassed).toBe(false);
    const [e] = list(bad.body, 'ValidationErrors');
    expect(keysOf(e ?? {})).toEqual(['CheckName', 'ErrorMessage']);
  });
});

describe('behaviour', () => {
  it('PutResourcePolicy replaces the previous policy; DeleteResourcePolicy removes it idempotently', async () => {
    const n = name();
    await create(n);
    await t.client.send(new PutResourcePolicyCommand({ SecretId: n, ResourcePolicy: POLICY }));
    await t.client.send(new PutResourcePolicyCommand({ SecretId: n, ResourcePolicy: OTHER_POLICY }));
    expect((await t.client.send(new GetResourcePolicyCommand({ SecretId: n }))).ResourcePolicy).toBe(OTHER_POLICY);
    await t.client.send(new DeleteResourcePolicyCommand({ SecretId: n }));
    expect((await t.client.send(new GetResourcePolicyCommand({ SecretId: n }))).ResourcePolicy).toBeUndefined();
    await t.client.send(new DeleteResourcePolicyCommand({ SecretId: n }));
    expect((await t.client.send(new GetResourcePolicyCommand({ SecretId: n }))).ResourcePolicy).toBeUndefined();
  });

  it('accepts a public policy without BlockPublicPolicy, and a conditioned one with it', async () => {
    const a = name();
    await create(a);
    await t.client.send(new PutResourcePolicyCommand({ SecretId: a, ResourcePolicy: PUBLIC_POLICY }));
    expect((await t.client.send(new GetResourcePolicyCommand({ SecretId: a }))).ResourcePolicy).toBe(PUBLIC_POLICY);
    const b = name();
    await create(b);
    await t.client.send(new PutResourcePolicyCommand({ SecretId: b, ResourcePolicy: PUBLIC_WITH_CONDITION, BlockPublicPolicy: true }));
    expect((await t.client.send(new GetResourcePolicyCommand({ SecretId: b }))).ResourcePolicy).toBe(PUBLIC_WITH_CONDITION);
  });

  it('works by full ARN and partial ARN', async () => {
    const n = name();
    const arn = await create(n);
    await t.client.send(new PutResourcePolicyCommand({ SecretId: arn, ResourcePolicy: POLICY }));
    const g = await t.client.send(new GetResourcePolicyCommand({ SecretId: arn.slice(0, -7) }));
    expect([g.ARN, g.Name, g.ResourcePolicy]).toEqual([arn, n, POLICY]);
  });

  it('putting and deleting a policy updates LastChangedDate', async () => {
    const n = name();
    await create(n);
    const changed = async () => (await t.client.send(new DescribeSecretCommand({ SecretId: n }))).LastChangedDate?.getTime() ?? 0;
    const a = await changed();
    await new Promise((r) => setTimeout(r, 5));
    await t.client.send(new PutResourcePolicyCommand({ SecretId: n, ResourcePolicy: POLICY }));
    const b = await changed();
    expect(b).toBeGreaterThan(a);
    await new Promise((r) => setTimeout(r, 5));
    await t.client.send(new DeleteResourcePolicyCommand({ SecretId: n }));
    expect(await changed()).toBeGreaterThan(b);
  });

  it('the policy is not part of DescribeSecret', async () => {
    const n = name();
    await create(n);
    await t.client.send(new PutResourcePolicyCommand({ SecretId: n, ResourcePolicy: POLICY }));
    const d = await t.raw('DescribeSecret', { SecretId: n });
    expect('ResourcePolicy' in d.body).toBe(false);
    expect((await t.client.send(new DescribeSecretCommand({ SecretId: n }))).Name).toBe(n);
  });

  it('ValidateResourcePolicy reports broad access and syntax problems, with or without a SecretId, and stores nothing', async () => {
    const n = name();
    await create(n);
    const pass = await t.client.send(new ValidateResourcePolicyCommand({ SecretId: n, ResourcePolicy: POLICY }));
    expect(pass.PolicyValidationPassed).toBe(true);
    expect(pass.ValidationErrors).toEqual([]);
    const broad = await t.client.send(new ValidateResourcePolicyCommand({ ResourcePolicy: PUBLIC_POLICY }));
    expect(broad.PolicyValidationPassed).toBe(false);
    expect(broad.ValidationErrors?.map((e) => e.CheckName)).toEqual(['BROAD_ACCESS']);
    expect(broad.ValidationErrors?.[0]?.ErrorMessage).toBeTruthy();
    const conditioned = await t.client.send(new ValidateResourcePolicyCommand({ ResourcePolicy: PUBLIC_WITH_CONDITION }));
    expect(conditioned.PolicyValidationPassed).toBe(true);
    const syntax = await t.client.send(
      new ValidateResourcePolicyCommand({ ResourcePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow' }] }) }),
    );
    expect(syntax.PolicyValidationPassed).toBe(false);
    expect(new Set(syntax.ValidationErrors?.map((e) => e.CheckName))).toEqual(new Set(['SYNTAX']));
    expect('ResourcePolicy' in (await t.raw('GetResourcePolicy', { SecretId: n })).body).toBe(false);
  });

  it('ValidateResourcePolicy reports unparsable JSON as a SYNTAX finding', async () => {
    const r = await t.raw('ValidateResourcePolicy', { ResourcePolicy: '{oops' });
    expect(r.status).toBe(200);
    expect(r.body.PolicyValidationPassed).toBe(false);
    expect(list(r.body, 'ValidationErrors').map((e) => e.CheckName)).toEqual(['SYNTAX']);
  });
});
