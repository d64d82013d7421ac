import { describe, expect, it } from 'vitest';
import { createPrincipalDirectory } from './principals.js';

const A = '111111111111';
const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

describe('principal directory', () => {
  const dir = createPrincipalDirectory({
    credentials: [
      { accessKeyId: 'AKIA0000000000000001', secretAccessKey: 's'.repeat(20), accountId: A },
      { accessKeyId: 'AKIA0000000000000002', secretAccessKey: 's'.repeat(20), accountId: A, principalArn: `arn:aws:iam::${A}:user/u`, policies: [allowAll], tags: { team: 'red' } },
      { accessKeyId: 'AKIA0000000000000003', secretAccessKey: 's'.repeat(20), accountId: A, principalArn: `arn:aws:iam::${A}:user/none`, policies: [] },
    ],
    roles: [{ arn: `arn:aws:iam::${A}:role/path/rotator`, policies: [allowAll] }],
  });

  it('a key without policies is unrestricted (the bootstrap admin, the account root)', () => {
    expect(dir.forCaller({ principalArn: `arn:aws:iam::${A}:root`, accountId: A }).identity).toBe('unrestricted');
  });
  it('a user gets its compiled policies and tags', () => {
    const u = dir.forCaller({ principalArn: `arn:aws:iam::${A}:user/u`, accountId: A });
    expect(Array.isArray(u.identity) && u.identity.length).toBe(1);
    expect(u.tags).toEqual({ team: 'red' });
    expect(u.info).toEqual({ type: 'User', userName: 'u' });
  });
  it('"policies": [] allows nothing', () => {
    expect(dir.forCaller({ principalArn: `arn:aws:iam::${A}:user/none`, accountId: A }).identity).toEqual([]);
  });
  it('a function role session gets its role policies; an undeclared role is unrestricted', () => {
    const s = dir.forCaller({ principalArn: `arn:aws:sts::${A}:assumed-role/rotator/rotate-db`, accountId: A });
    expect(Array.isArray(s.identity)).toBe(true);
    expect(s.principal.roleName).toBe('rotator');
    expect(dir.forCaller({ principalArn: `arn:aws:sts::${A}:assumed-role/other/fn`, accountId: A }).identity).toBe('unrestricted');
  });
});
