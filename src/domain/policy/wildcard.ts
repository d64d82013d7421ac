/**
 * IAM wildcards: `*` matches any run of characters (also none, also across `:` and `/`), `?` exactly one.
 * Actions match case-insensitively, ARNs case-sensitively (IAM User Guide, "IAM JSON policy elements:
 * Action" and "Resource").
 */
export type Matcher = (value: string) => boolean;

const SPECIAL = /[.+^${}()|[\]\\]/g;

export function wildcardMatcher(pattern: string, ignoreCase: boolean): Matcher {
  if (pattern === '*') return () => true;
  if (!pattern.includes('*') && !pattern.includes('?')) {
    if (!ignoreCase) return (v) => v === pattern;
    const lower = pattern.toLowerCase();
    return (v) => v.toLowerCase() === lower;
  }
  const source = pattern.replace(SPECIAL, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const re = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
  return (v) => re.test(v);
}
