/**
 * botocore's `xform_name`: the AWS CLI's conversion of model names to command and option names
 * (RotateSecret ⇒ rotate-secret, RotationLambdaARN ⇒ rotation-lambda-arn, KmsKeyId ⇒ kms-key-id).
 */
const FIRST_CAP = /(.)([A-Z][a-z]+)/g;
const END_CAP = /([a-z0-9])([A-Z])/g;
const SPECIAL_PLURAL = /[A-Z]{2,}s$/;

const cache = new Map<string, string>();

export function xformName(name: string, sep = '-'): string {
  if (name.includes(sep)) return name;
  const key = `${sep}\u0000${name}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let n = name;
  const special = SPECIAL_PLURAL.exec(n);
  if (special !== null) {
    // ARNs, ACLs ⇒ _arns, _acls
    n = n.slice(0, n.length - special[0].length) + sep + special[0].toLowerCase();
  }
  // Python's re.sub does not re-scan replaced text, and neither does String.replace with /g.
  const s1 = n.replace(FIRST_CAP, `$1${sep}$2`);
  const out = s1.replace(END_CAP, `$1${sep}$2`).toLowerCase();
  cache.set(key, out);
  return out;
}
