import { describe, expect, it } from 'vitest';
import { buildStatement, globMatch, serviceMayInvoke, type PolicyStatement } from './function-policy.js';

const ctx = {
  service: 'secretsmanager.amazonaws.com',
  action: 'lambda:InvokeFunction',
  sourceAccount: '123456789012',
  sourceArnParts: { service: 'secretsmanager', region: 'us-east-1', accountId: '123456789012' },
};
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:f';
const st = (over: Partial<PolicyStatement>): PolicyStatement => ({
  Sid: 's',
  Effect: 'Allow',
  Principal: { Service: 'secretsmanager.amazonaws.com' },
  Action: 'lambda:InvokeFunction',
  Resource: FN,
  ...over,
});

describe('buildStatement', () => {
  it('stores principals and conditions as Lambda does', () => {
    expect(buildStatement({ StatementId: 'a', Action: 'lambda:InvokeFunction', Principal: '111122223333' }, FN).Principal).toEqual({
      AWS: 'arn:aws:iam::111122223333:root',
    });
    expect(buildStatement({ StatementId: 'a', Action: 'lambda:*', Principal: '*' }, FN).Principal).toBe('*');
    const s = buildStatement(
      { StatementId: 'a', Action: 'lambda:InvokeFunction', Principal: 'secretsmanager.amazonaws.com', SourceAccount: '1', SourceArn: 'arn:x' },
      FN,
    );
    expect(s.Condition).toEqual({ StringEquals: { 'AWS:SourceAccount': '1' }, ArnLike: { 'AWS:SourceArn': 'arn:x' } });
    expect(() => buildStatement({ StatementId: 'a', Action: 'lambda:*', Principal: 'nonsense' }, FN)).toThrow(/principal/);
  });
});

describe('serviceMayInvoke', () => {
  it('accepts the object form, the plain string form, * and lambda:* / * actions (any case)', () => {
    expect(serviceMayInvoke([st({})], ctx)).toBe(true);
    expect(serviceMayInvoke([st({ Principal: 'secretsmanager.amazonaws.com' })], ctx)).toBe(true);
    expect(serviceMayInvoke([st({ Principal: { Service: ['events.amazonaws.com', 'secretsmanager.amazonaws.com'] } })], ctx)).toBe(true);
    expect(serviceMayInvoke([st({ Principal: '*' })], ctx)).toBe(true);
    expect(serviceMayInvoke([st({ Action: 'lambda:*' })], ctx)).toBe(true);
    expect(serviceMayInvoke([st({ Action: ['lambda:GetFunction', '*'] })], ctx)).toBe(true);
    expect(serviceMayInvoke([st({ Action: 'lambda:invokefunction' })], ctx)).toBe(true);
  });

  it('refuses other principals, other actions, and no statements', () => {
    expect(serviceMayInvoke([], ctx)).toBe(false);
    expect(serviceMayInvoke([st({ Principal: { Service: 'events.amazonaws.com' } })], ctx)).toBe(false);
    expect(serviceMayInvoke([st({ Principal: { AWS: 'arn:aws:iam::123456789012:root' } })], ctx)).toBe(false);
    expect(serviceMayInvoke([st({ Action: 'lambda:InvokeAsync' })], ctx)).toBe(false);
  });

  it('checks SourceAccount / SourceArn; unknown condition keys never grant', () => {
    expect(serviceMayInvoke([st({ Condition: { StringEquals: { 'AWS:SourceAccount': '123456789012' } } })], ctx)).toBe(true);
    expect(serviceMayInvoke([st({ Condition: { StringEquals: { 'aws:sourceaccount': '999999999999' } } })], ctx)).toBe(false);
    expect(serviceMayInvoke([st({ Condition: { StringLike: { 'AWS:SourceAccount': '1234*' } } })], ctx)).toBe(true);
    expect(serviceMayInvoke([st({ Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:secretsmanager:*:123456789012:secret:*' } } })], ctx)).toBe(true);
    expect(serviceMayInvoke([st({ Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::bucket' } } })], ctx)).toBe(false);
    expect(serviceMayInvoke([st({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } } })], ctx)).toBe(false);
  });

  it('lets an applicable Deny win', () => {
    expect(serviceMayInvoke([st({}), st({ Sid: 'd', Effect: 'Deny' })], ctx)).toBe(false);
    expect(serviceMayInvoke([st({}), st({ Sid: 'd', Effect: 'Deny', Condition: { StringEquals: { 'AWS:SourceAccount': '1' } } })], ctx)).toBe(true);
  });

  it('globMatch', () => {
    expect(globMatch('lambda:Invoke*', 'lambda:InvokeFunction')).toBe(true);
    expect(globMatch('a?c', 'abc')).toBe(true);
    expect(globMatch('a.c', 'abc')).toBe(false);
  });
});
