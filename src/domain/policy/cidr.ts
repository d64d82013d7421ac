/**
 * IPv4/IPv6 addresses and CIDR blocks for the IpAddress operators. Written out (rather than node:net's
 * BlockList) because domain/ imports nothing outside itself (test/docs.test.ts enforces the layering).
 */
export interface Ip {
  family: 4 | 6;
  value: bigint;
}

function ipv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    v = (v << 8n) | BigInt(Number(p));
  }
  return v;
}

function ipv6(s: string): bigint | undefined {
  let text = s;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    // An embedded IPv4 tail (::ffff:1.2.3.4) is two 16-bit groups.
    const v4 = ipv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const group = (g: string) => (g === '' ? [] : g.split(':'));
  const head = group(halves[0] ?? '');
  const rest = halves.length === 2 ? group(halves[1] ?? '') : [];
  const given = head.length + rest.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  let v = 0n;
  for (const g of [...head, ...Array<string>(halves.length === 2 ? 8 - given : 0).fill('0'), ...rest]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  return v;
}

export function parseIp(s: string): Ip | undefined {
  const v4 = ipv4(s);
  if (v4 !== undefined) return { family: 4, value: v4 };
  if (!s.includes(':')) return undefined;
  const v6 = ipv6(s);
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

/** `a.b.c.d/n`, `x::/n`, or a bare address (a /32 or /128). Malformed blocks match nothing. */
export function inCidr(ip: Ip, cidr: string): boolean {
  const [addr = '', bits] = cidr.split('/');
  const net = parseIp(addr);
  if (!net || net.family !== ip.family) return false;
  const width = ip.family === 4 ? 32 : 128;
  const prefix = bits === undefined ? width : /^\d{1,3}$/.test(bits) ? Number(bits) : -1;
  if (prefix < 0 || prefix > width) return false;
  const shift = BigInt(width - prefix);
  return ip.value >> shift === net.value >> shift;
}
