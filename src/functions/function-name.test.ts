import { describe, expect, it } from 'vitest';
import { parseFunctionRef, resolveFunctionName } from './function-name.js';

const scope = { accountId: '123456789012', region: 'us-east-1' };

describe('function names', () => {
  it('parses names, partial and full ARNs, with qualifiers', () => {
    expect(parseFunctionRef('my-fn')).toEqual({ name: 'my-fn' });
    expect(parseFunctionRef('my-fn:$LATEST')).toEqual({ name: 'my-fn', qualifier: '$LATEST' });
    expect(parseFunctionRef('123456789012:function:my_fn')).toEqual({ name: 'my_fn', accountId: '123456789012' });
    expect(parseFunctionRef('arn:aws:lambda:eu-west-2:123456789012:function:f:7')).toEqual({
      name: 'f',
      region: 'eu-west-2',
      accountId: '123456789012',
      qualifier: '7',
    });
    for (const bad of ['', 'a b', 'arn:aws:s3:::x', 'x'.repeat(65), 'arn:aws:lambda:us-east-1:123:function:f']) {
      expect(parseFunctionRef(bad)).toBeUndefined();
    }
  });

  it('resolves against the scope', () => {
    expect(resolveFunctionName(scope, 'arn:aws:lambda:us-east-1:123456789012:function:f')).toBe('f');
    expect(resolveFunctionName(scope, 'f', '$LATEST')).toBe('f');
    expect(() => resolveFunctionName(scope, 'f:1')).toThrow('Function not found: arn:aws:lambda:us-east-1:123456789012:function:f:1');
    expect(() => resolveFunctionName(scope, 'arn:aws:lambda:us-west-2:123456789012:function:f')).toThrow(/not reachable/);
    expect(() => resolveFunctionName(scope, '999999999999:function:f')).toThrow(/Function not found/);
  });
});
