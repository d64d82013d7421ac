import { describe, expect, it } from 'vitest';
import { inCidr, parseIp } from './cidr.js';
import { compilePolicy, PolicyCompileError } from './compile-policy.js';
import { decide, denialMessage, type Identity } from './evaluate.js';
import type { AuthzRequest, RequestPrincipal } from './policy-types.js';

const A = '111111111111';
const B = '222222222222';
const secret = (acct: string, name: string) => `arn:aws:secretsmanager:us-east-1:${acct}:secret:${name}`;
const fn = (name: string) => `arn:aws:lambda:us-east-1:${A}:function:${name}`;
const alice: RequestPrincipal = { arn: `arn:aws:iam::${A}:user/alice`, accountId: A };
const bob: RequestPrincipal = { arn: `arn:aws:iam::${B}:user/bob`, accountId: B };
const session: RequestPrincipal = { arn: `arn:aws:sts::${A}:assumed-role/rotator/rotate-db`, accountId: A, roleName: 'rotator' };
const svc: RequestPrincipal = { arn: 'secretsmanager.amazonaws.com', accountId: A, service: 'secretsmanager.amazonaws.com' };

type Doc = Record<string, unknown>;
const allow = (Action: unknown, Resource: unknown = '*', extra: Doc = {}): Doc => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (Action: unknown, Resource: unknown = '*', extra: Doc = {}): Doc => ({ Effect: 'Deny', Action, Resource, ...extra });
const doc = (...Statement: Doc[]): Doc => ({ Version: '2012-10-17', Statement });

interface Row {
  name: string;
  identity: Doc[] | 'unrestricted';
  resource?: Doc;
  principal?: RequestPrincipal;
  action?: string;
  target?: string;
  ctx?: Record<string, string | string[]>;
  expect: 'allow' | 'identity-deny' | 'resource-deny' | 'no-identity-allow' | 'no-resource-allow';
}

const GSV = 'secretsmanager:GetSecretValue';
const prodDb = secret(A, 'prod/db-AbCdEf');
const cond = (c: Doc) => ({ Condition: c });

const ROWS: Row[] = [
  // The ten cases of dependencies.md §2.
  { name: '1 wildcard secret ARN allows prod/*', identity: [doc(allow(GSV, secret(A, 'prod/*')))], target: prodDb, expect: 'allow' },
  { name: '2 wildcard secret ARN does not reach dev/*', identity: [doc(allow(GSV, secret(A, 'prod/*')))], target: secret(A, 'dev/db-AbCdEf'), expect: 'no-identity-allow' },
  { name: '3 Rotate* action wildcard', identity: [doc(allow('secretsmanager:Rotate*', secret(A, 'prod/*')))], action: 'secretsmanager:RotateSecret', target: prodDb, expect: 'allow' },
  { name: '4 lambda function:rotate-* wildcard', identity: [doc(allow('lambda:InvokeFunction', fn('rotate-*')))], action: 'lambda:InvokeFunction', target: fn('rotate-pg'), expect: 'allow' },
  { name: '5 explicit Deny with ?????? wins', identity: [doc(allow(GSV, secret(A, 'prod/*')), deny(GSV, secret(A, 'prod/root-??????')))], target: secret(A, 'prod/root-XyZ123'), expect: 'identity-deny' },
  { name: '6 IpAddress aws:SourceIp inside the CIDR', identity: [doc(allow(GSV, '*', cond({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } })))], target: prodDb, ctx: { 'aws:sourceip': '10.1.2.3' }, expect: 'allow' },
  { name: '7 IpAddress aws:SourceIp outside the CIDR', identity: [doc(allow(GSV, '*', cond({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } })))], target: prodDb, ctx: { 'aws:sourceip': '192.168.1.1' }, expect: 'no-identity-allow' },
  { name: '8 StringEquals aws:ResourceTag/env', identity: [doc(allow(GSV, '*', cond({ StringEquals: { 'aws:ResourceTag/env': 'prod' } })))], target: prodDb, ctx: { 'aws:resourcetag/env': 'prod' }, expect: 'allow' },
  {
    name: '9 cross-account Allow in the resource policy plus identity Allow',
    identity: [doc(allow(GSV, secret(A, '*')))],
    resource: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: GSV, Resource: '*' }),
    principal: bob,
    target: prodDb,
    ctx: { 'aws:principalaccount': B },
    expect: 'allow',
  },
  {
    name: '10 resource-policy Deny RotateSecret unless aws:PrincipalAccount matches',
    identity: [doc(allow('secretsmanager:*', secret(A, '*')))],
    resource: doc(
      { Effect: 'Allow', Principal: { AWS: B }, Action: 'secretsmanager:*', Resource: '*' },
      { Effect: 'Deny', Principal: '*', Action: 'secretsmanager:RotateSecret', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalAccount': A } } },
    ),
    principal: bob,
    action: 'secretsmanager:RotateSecret',
    target: prodDb,
    ctx: { 'aws:principalaccount': B },
    expect: 'resource-deny',
  },
  // Cross-account needs both sides; same-account needs either.
  { name: 'cross-account: identity allow alone is not enough', identity: [doc(allow(GSV))], principal: bob, target: prodDb, expect: 'no-resource-allow' },
  { name: 'cross-account: resource allow alone is not enough', identity: [], resource: doc({ Effect: 'Allow', Principal: { AWS: B }, Action: GSV, Resource: '*' }), principal: bob, target: prodDb, expect: 'no-identity-allow' },
  { name: 'cross-account: unrestricted root of B still needs the resource policy', identity: 'unrestricted', principal: bob, target: prodDb, expect: 'no-resource-allow' },
  { name: 'same-account: resource policy alone allows', identity: [], resource: doc({ Effect: 'Allow', Principal: { AWS: alice.arn }, Action: GSV, Resource: '*' }), target: prodDb, expect: 'allow' },
  { name: 'same-account: unrestricted root', identity: 'unrestricted', target: prodDb, expect: 'allow' },
  { name: 'unrestricted root is still bound by a resource-policy Deny', identity: 'unrestricted', resource: doc({ Effect: 'Deny', Principal: { AWS: A }, Action: 'secretsmanager:Delete*', Resource: '*' }), action: 'secretsmanager:DeleteSecret', target: prodDb, expect: 'resource-deny' },
  { name: 'implicit deny with no policies', identity: [], target: prodDb, expect: 'no-identity-allow' },
  // Action / Resource forms.
  { name: 'actions are case-insensitive', identity: [doc(allow('SecretsManager:getsecretvalue'))], target: prodDb, expect: 'allow' },
  { name: 'ARNs are case-sensitive', identity: [doc(allow(GSV, secret(A, 'Prod/*')))], target: prodDb, expect: 'no-identity-allow' },
  { name: 'NotAction allows everything else', identity: [doc({ Effect: 'Allow', NotAction: 'secretsmanager:Delete*', Resource: '*' })], target: prodDb, expect: 'allow' },
  { name: 'NotAction excludes the named action', identity: [doc({ Effect: 'Allow', NotAction: 'secretsmanager:Delete*', Resource: '*' })], action: 'secretsmanager:DeleteSecret', target: prodDb, expect: 'no-identity-allow' },
  { name: 'NotResource', identity: [doc({ Effect: 'Allow', Action: GSV, NotResource: secret(A, 'prod/*') })], target: prodDb, expect: 'no-identity-allow' },
  { name: 'action list', identity: [doc(allow(['secretsmanager:DescribeSecret', GSV]))], target: prodDb, expect: 'allow' },
  { name: '? matches exactly one character', identity: [doc(allow(GSV, secret(A, 'prod/db-?????')))], target: prodDb, expect: 'no-identity-allow' },
  { name: 'ListSecrets on * needs Resource *', identity: [doc(allow('secretsmanager:ListSecrets', secret(A, '*')))], action: 'secretsmanager:ListSecrets', target: '*', expect: 'no-identity-allow' },
  // Principals.
  { name: 'role ARN in Principal names its sessions', identity: [], resource: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:role/service/rotator` }, Action: GSV, Resource: '*' }), principal: session, target: prodDb, expect: 'allow' },
  { name: 'session ARN in Principal names that session', identity: [], resource: doc({ Effect: 'Allow', Principal: { AWS: session.arn }, Action: GSV, Resource: '*' }), principal: session, target: prodDb, expect: 'allow' },
  { name: 'other user ARN does not match', identity: [], resource: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:user/carol` }, Action: GSV, Resource: '*' }), target: prodDb, expect: 'no-identity-allow' },
  { name: 'Principal * matches', identity: [], resource: doc({ Effect: 'Allow', Principal: '*', Action: GSV, Resource: '*' }), target: prodDb, expect: 'allow' },
  { name: 'Service principal', identity: [], resource: doc({ Effect: 'Allow', Principal: { Service: 'secretsmanager.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: '*' }), principal: svc, action: 'lambda:InvokeFunction', target: fn('rotate-pg'), expect: 'allow' },
  { name: 'Service principal does not match an IAM user', identity: [], resource: doc({ Effect: 'Allow', Principal: { Service: 'secretsmanager.amazonaws.com' }, Action: GSV, Resource: '*' }), target: prodDb, expect: 'no-identity-allow' },
  { name: 'NotPrincipal Deny spares the named principal', identity: [doc(allow(GSV))], resource: doc({ Effect: 'Deny', NotPrincipal: { AWS: alice.arn }, Action: GSV, Resource: '*' }), target: prodDb, expect: 'allow' },
  { name: 'NotPrincipal Deny hits everyone else', identity: [doc(allow(GSV))], resource: doc({ Effect: 'Deny', NotPrincipal: { AWS: alice.arn }, Action: GSV, Resource: '*' }), principal: session, target: prodDb, expect: 'resource-deny' },
  // Policy variables.
  { name: '${aws:username} in Resource', identity: [doc(allow(GSV, secret(A, 'home/${aws:username}/*')))], target: secret(A, 'home/alice/key-AbCdEf'), ctx: { 'aws:username': 'alice' }, expect: 'allow' },
  { name: '${aws:username} is not someone else', identity: [doc(allow(GSV, secret(A, 'home/${aws:username}/*')))], target: secret(A, 'home/bob/key-AbCdEf'), ctx: { 'aws:username': 'alice' }, expect: 'no-identity-allow' },
  { name: 'a variable value is literal, not a wildcard', identity: [doc(allow(GSV, secret(A, 'home/${aws:username}-AbCdEf')))], target: secret(A, 'home/alice-AbCdEf'), ctx: { 'aws:username': '*' }, expect: 'no-identity-allow' },
  { name: 'a missing variable matches nothing', identity: [doc(allow(GSV, secret(A, 'home/${aws:username}/*')))], target: secret(A, 'home/alice/key-AbCdEf'), expect: 'no-identity-allow' },
  { name: 'a variable default', identity: [doc(allow(GSV, secret(A, "home/${aws:username, 'shared'}/*")))], target: secret(A, 'home/shared/key-AbCdEf'), expect: 'allow' },
  { name: '${aws:PrincipalTag/team} in a condition', identity: [doc(allow(GSV, '*', cond({ StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } })))], target: prodDb, ctx: { 'aws:principaltag/team': 'red', 'aws:resourcetag/team': 'red' }, expect: 'allow' },
  { name: 'variables are literal under Version 2008-10-17', identity: [{ Version: '2008-10-17', Statement: [allow(GSV, secret(A, 'home/${aws:username}/*'))] }], target: secret(A, 'home/alice/key-AbCdEf'), ctx: { 'aws:username': 'alice' }, expect: 'no-identity-allow' },
  { name: '${*} is a literal star', identity: [doc(allow(GSV, secret(A, 'odd${*}name-AbCdEf')))], target: secret(A, 'oddXname-AbCdEf'), expect: 'no-identity-allow' },
];

const op = (operator: string, key: string, values: unknown, ctx: Record<string, string | string[]>, ok: boolean): Row => ({
  name: `${operator} ${key} ${JSON.stringify(values)} vs ${JSON.stringify(ctx[key.toLowerCase()] ?? null)}`,
  identity: [doc(allow(GSV, '*', cond({ [operator]: { [key]: values } })))],
  target: prodDb,
  ctx,
  expect: ok ? 'allow' : 'no-identity-allow',
});
const K = 'secretsmanager:VersionStage';
const k = K.toLowerCase();
const T = 'aws:CurrentTime';
const t = T.toLowerCase();
const OPERATOR_ROWS: Row[] = [
  op('StringEquals', K, 'AWSCURRENT', { [k]: 'AWSCURRENT' }, true),
  op('StringEquals', K, 'AWSCURRENT', { [k]: 'awscurrent' }, false),
  op('StringEquals', K, 'AWSCURRENT', {}, false),
  op('StringNotEquals', K, 'AWSPENDING', { [k]: 'AWSCURRENT' }, true),
  op('StringNotEquals', K, 'AWSPENDING', { [k]: 'AWSPENDING' }, false),
  op('StringNotEquals', K, 'AWSPENDING', {}, true),
  op('StringEqualsIgnoreCase', K, 'awscurrent', { [k]: 'AWSCurrent' }, true),
  op('StringNotEqualsIgnoreCase', K, 'awscurrent', { [k]: 'AWSCurrent' }, false),
  op('StringLike', K, 'AWS*', { [k]: 'AWSCURRENT' }, true),
  op('StringLike', K, 'AWS?', { [k]: 'AWSCURRENT' }, false),
  op('StringNotLike', K, 'AWS*', { [k]: 'MINE' }, true),
  op('StringNotLike', K, 'AWS*', { [k]: 'AWSPENDING' }, false),
  op('StringEqualsIfExists', K, 'AWSCURRENT', {}, true),
  op('StringEqualsIfExists', K, 'AWSCURRENT', { [k]: 'AWSPENDING' }, false),
  op('NumericEquals', 'secretsmanager:RecoveryWindowInDays', 30, { 'secretsmanager:recoverywindowindays': '30' }, true),
  op('NumericNotEquals', 'secretsmanager:RecoveryWindowInDays', 30, { 'secretsmanager:recoverywindowindays': '7' }, true),
  op('NumericLessThan', 'secretsmanager:RecoveryWindowInDays', '10', { 'secretsmanager:recoverywindowindays': '7' }, true),
  op('NumericLessThanEquals', 'secretsmanager:RecoveryWindowInDays', '7', { 'secretsmanager:recoverywindowindays': '7' }, true),
  op('NumericGreaterThan', 'secretsmanager:RecoveryWindowInDays', '7', { 'secretsmanager:recoverywindowindays': '7' }, false),
  op('NumericGreaterThanEquals', 'secretsmanager:RecoveryWindowInDays', '7', { 'secretsmanager:recoverywindowindays': '30' }, true),
  op('NumericEquals', 'secretsmanager:RecoveryWindowInDays', '7', { 'secretsmanager:recoverywindowindays': 'seven' }, false),
  op('DateLessThan', T, '2030-01-01T00:00:00Z', { [t]: '2025-06-01T00:00:00Z' }, true),
  op('DateLessThan', T, '2020-01-01T00:00:00Z', { [t]: '2025-06-01T00:00:00Z' }, false),
  op('DateLessThanEquals', T, '2025-06-01T00:00:00Z', { [t]: '2025-06-01T00:00:00Z' }, true),
  op('DateGreaterThan', T, '2020-01-01T00:00:00Z', { [t]: '2025-06-01T00:00:00Z' }, true),
  op('DateGreaterThanEquals', T, '2030-01-01T00:00:00Z', { [t]: '2025-06-01T00:00:00Z' }, false),
  op('DateEquals', T, '1748736000', { [t]: '2025-06-01T00:00:00Z' }, true),
  op('DateNotEquals', T, '2025-06-01T00:00:00Z', { [t]: '2025-06-01T00:00:00Z' }, false),
  op('Bool', 'aws:SecureTransport', 'true', { 'aws:securetransport': 'true' }, true),
  op('Bool', 'aws:SecureTransport', true, { 'aws:securetransport': 'false' }, false),
  op('BoolIfExists', 'aws:MultiFactorAuthPresent', 'true', {}, true),
  op('IpAddress', 'aws:SourceIp', ['203.0.113.0/24', '10.0.0.1'], { 'aws:sourceip': '10.0.0.1' }, true),
  op('IpAddress', 'aws:SourceIp', '203.0.113.0/24', { 'aws:sourceip': '::ffff:203.0.113.9' }, true),
  op('IpAddress', 'aws:SourceIp', '2001:db8::/32', { 'aws:sourceip': '2001:db8::1' }, true),
  op('NotIpAddress', 'aws:SourceIp', '203.0.113.0/24', { 'aws:sourceip': '198.51.100.1' }, true),
  op('NotIpAddress', 'aws:SourceIp', '203.0.113.0/24', { 'aws:sourceip': '203.0.113.1' }, false),
  op('ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::*:user/*', { 'aws:principalarn': alice.arn }, true),
  op('ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::*:role/*', { 'aws:principalarn': alice.arn }, false),
  op('ArnEquals', 'secretsmanager:RotationLambdaARN', fn('rotate-pg'), { 'secretsmanager:rotationlambdaarn': fn('rotate-pg') }, true),
  op('ArnNotEquals', 'secretsmanager:RotationLambdaARN', fn('rotate-pg'), { 'secretsmanager:rotationlambdaarn': fn('other') }, true),
  op('ArnNotLike', 'secretsmanager:RotationLambdaARN', fn('rotate-*'), { 'secretsmanager:rotationlambdaarn': fn('rotate-x') }, false),
  op('Null', 'aws:RequestTag/env', 'true', {}, true),
  op('Null', 'aws:RequestTag/env', 'false', {}, false),
  op('Null', 'aws:RequestTag/env', 'false', { 'aws:requesttag/env': 'x' }, true),
  op('ForAnyValue:StringEquals', 'aws:TagKeys', ['env', 'team'], { 'aws:tagkeys': ['owner', 'env'] }, true),
  op('ForAnyValue:StringEquals', 'aws:TagKeys', ['env'], { 'aws:tagkeys': ['owner'] }, false),
  op('ForAnyValue:StringEquals', 'aws:TagKeys', ['env'], {}, false),
  op('ForAllValues:StringEquals', 'aws:TagKeys', ['env', 'team'], { 'aws:tagkeys': ['env', 'team'] }, true),
  op('ForAllValues:StringEquals', 'aws:TagKeys', ['env', 'team'], { 'aws:tagkeys': ['env', 'owner'] }, false),
  op('ForAllValues:StringEquals', 'aws:TagKeys', ['env'], {}, true),
  op('ForAllValues:StringLike', 'aws:TagKeys', ['app-*'], { 'aws:tagkeys': ['app-a', 'app-b'] }, true),
  op('ForAnyValue:StringNotEquals', 'aws:TagKeys', ['env'], { 'aws:tagkeys': ['env', 'x'] }, true),
  op('StringEquals', 'secretsmanager:ResourceTag/Env', 'prod', { 'secretsmanager:resourcetag/env': 'prod' }, true),
  op('StringEquals', 'aws:PrincipalAccount', [A, B], { 'aws:principalaccount': A }, true),
  // Unknown keys and operators fail closed.
  op('StringEquals', 'aws:NoSuchKey', 'x', { 'aws:nosuchkey': 'x' }, false),
  op('StringEqualz', K, 'AWSCURRENT', { [k]: 'AWSCURRENT' }, false),
];

function run(r: Row) {
  const identity: Identity = r.identity === 'unrestricted' ? 'unrestricted' : r.identity.map((d) => compilePolicy(d, 'identity'));
  const target = r.target ?? prodDb;
  const request: AuthzRequest = {
    action: r.action ?? GSV,
    resource: target,
    principal: r.principal ?? alice,
    context: new Map(Object.entries(r.ctx ?? {})),
  };
  const resourceAccount = target === '*' ? (r.principal ?? alice).accountId : (target.split(':')[4] ?? '');
  return decide({ request, identity, resourceAccount, ...(r.resource ? { resourcePolicy: compilePolicy(r.resource, 'resource') } : {}) });
}

describe('policy evaluation', () => {
  it.each([...ROWS, ...OPERATOR_ROWS].map((r) => [r.name, r] as const))('%s', (_name, r) => {
    const d = run(r);
    expect(d.allowed ? 'allow' : d.reason).toBe(r.expect);
  });

  it('an unknown condition key in a Deny applies (fails closed)', () => {
    const d = run({ name: '', identity: [doc(allow(GSV), deny(GSV, '*', cond({ StringEquals: { 'aws:NoSuchKey': 'x' } })))], expect: 'identity-deny' });
    expect(d).toEqual({ allowed: false, reason: 'identity-deny' });
  });
});

describe('compilePolicy', () => {
  it.each([
    ['not JSON', '{'],
    ['no statement', { Version: '2012-10-17' }],
    ['bad effect', doc({ Effect: 'Maybe', Action: '*', Resource: '*' })],
    ['no action', doc({ Effect: 'Allow', Resource: '*' })],
    ['Action and NotAction', doc({ Effect: 'Allow', Action: '*', NotAction: '*', Resource: '*' })],
    ['a Principal in an identity policy', doc({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' })],
    ['a bad version', { Version: '2020-01-01', Statement: [allow('*')] }],
  ])('rejects %s', (_n, d) => {
    expect(() => compilePolicy(d, 'identity')).toThrow(PolicyCompileError);
  });

  it('a resource policy statement needs a Principal', () => {
    expect(() => compilePolicy(doc(allow(GSV)), 'resource')).toThrow(/needs a Principal/);
  });
});

describe('denialMessage', () => {
  it('has AWS shape', () => {
    expect(denialMessage(alice.arn, GSV, prodDb, 'no-identity-allow')).toBe(
      `User: ${alice.arn} is not authorized to perform: ${GSV} on resource: ${prodDb} because no identity-based policy allows the ${GSV} action`,
    );
    expect(denialMessage(alice.arn, GSV, prodDb, 'resource-deny')).toBe(
      `User: ${alice.arn} is not authorized to perform: ${GSV} on resource: ${prodDb} with an explicit deny in a resource-based policy`,
    );
  });
});

describe('CIDR matching', () => {
  it.each([
    ['10.1.2.3', '10.0.0.0/8', true],
    ['11.0.0.1', '10.0.0.0/8', false],
    ['10.0.0.1', '10.0.0.1', true],
    ['0.0.0.0', '0.0.0.0/0', true],
    ['2001:db8::1', '2001:db8::/32', true],
    ['2001:db9::1', '2001:db8::/32', false],
    ['::1', '::1/128', true],
    ['::ffff:10.0.0.1', '::ffff:0:0/96', true],
    ['fe80::1:2:3:4', 'fe80::/10', true],
    ['10.0.0.1', '2001:db8::/32', false],
    ['10.0.0.1', '10.0.0.0/33', false],
    ['10.0.0.256', '10.0.0.0/8', false],
  ])('%s in %s ⇒ %s', (ip, cidr, want) => {
    const parsed = parseIp(ip);
    expect(parsed !== undefined && inCidr(parsed, cidr)).toBe(want);
  });
});
