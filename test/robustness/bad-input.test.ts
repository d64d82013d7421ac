/**
 * Property-based bad input against a real `rotor serve` process: for each of the 23 operations, signed
 * requests with arbitrary bodies (fc.anything, wrong JSON types, huge strings, deep nesting, out-of-range
 * numbers, invalid base64, null members, empty body, non-JSON bytes). Every answer must come in time, never be
 * a 5xx, and be either a 200 JSON object or a 4xx `{__type, Message}` whose __type is in ERROR_CODES (with its
 * status). Secret values in the request must never be echoed in an error. Afterwards /health and an ordinary
 * GetSecretValue still work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATION_NAMES } from '../../src/api/model.js';
import { ERROR_CODES } from '../../src/domain/errors.js';
import { REPO_ROOT, startRotor, type RotorProcess } from '../helpers/process.js';
import { rawCall, rawJson, type RawResult, type RawTarget } from '../helpers/raw.js';

const RUNS_PER_OPERATION = 40;
const REQUEST_TIMEOUT_MS = 5000;

// ---------------------------------------------------------------------------------------------------------
// The model, read directly (input members and their shape types).

interface ModelShape {
  type: string;
  members?: Record<string, { shape: string }>;
  required?: string[];
}
const model = JSON.parse(readFileSync(join(REPO_ROOT, 'model', 'secretsmanager-2017-10-17.service-2.json'), 'utf8')) as {
  operations: Record<string, { input?: { shape: string } }>;
  shapes: Record<string, ModelShape>;
};
interface Member {
  name: string;
  type: string;
  /** For a list of structures: the item's member names. */
  itemMembers?: string[];
  /** For a structure: its member names. */
  structMembers?: string[];
}
function inputShape(op: string): ModelShape | undefined {
  const shapeName = model.operations[op]?.input?.shape;
  return shapeName === undefined ? undefined : model.shapes[shapeName];
}
function inputMembers(op: string): Member[] {
  return Object.entries(inputShape(op)?.members ?? {}).map(([name, ref]) => {
    const shape = model.shapes[ref.shape] as ModelShape & { member?: { shape: string } };
    const m: Member = { name, type: shape.type };
    const item = shape.member === undefined ? undefined : model.shapes[shape.member.shape];
    if (shape.type === 'list' && item?.type === 'structure') m.itemMembers = Object.keys(item.members ?? {});
    if (shape.type === 'structure') m.structMembers = Object.keys(shape.members ?? {});
    return m;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Bodies. A Raw value is written verbatim into the JSON text (for numbers JSON.stringify cannot produce).

class Raw {
  constructor(readonly text: string) {}
}
type Body = { kind: 'text'; text: string } | { kind: 'bytes'; bytes: Buffer };

function ser(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (v === undefined) return 'null';
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null';
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[${v.map(ser).join(',')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${JSON.stringify(k)}:${ser(x)}`)
      .join(',')}}`;
  }
  return 'null';
}

const VICTIMS = ['fuzz-victim-1', 'fuzz-victim-2', 'fuzz/victim_3+x=y.z@w-v'];
const ANCHOR = 'fuzz-anchor-untouched';
const ANCHOR_VALUE = `anchor-${randomBytes(8).toString('hex')}`;
let victimArns: string[] = [];

const policy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
});

const deep = (n: number, open: string, close: string, inner = '1') => open.repeat(n) + inner + close.repeat(n);

/** Values that are wrong for (almost) any member. */
const weird: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.anything({ maxDepth: 3, maxKeys: 4 }),
  fc.constantFrom<unknown>(
    null,
    '',
    ' ',
    'x'.repeat(70_000),
    '\u0000',
    '\ud800',
    '🔐'.repeat(40_000),
    -1,
    0,
    1.5,
    -0.0001,
    2 ** 31,
    2 ** 53,
    -(2 ** 63),
    Number.MAX_VALUE,
    new Raw('1e999'),
    new Raw('-1e999'),
    new Raw('123456789012345678901234567890'),
    new Raw('9223372036854775808'),
    new Raw('-9223372036854775809'),
    new Raw('1E400'),
    new Raw(deep(5000, '[', ']')),
    new Raw(deep(5000, '{"a":', '}')),
    '!!!not base64!!!',
    'YQ',
    'YQ==YQ==',
    '====',
    [null],
    [[]],
    [{}],
    {},
    { Key: null, Value: null },
    [{ Key: 'k', Value: 'x'.repeat(300) }],
    [{ Key: 'aws:reserved', Value: 'v' }],
    Array.from({ length: 60 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })),
    Array.from({ length: 30 }, (_, i) => `L${i}`),
    true,
    false,
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 5 }),
);

/** Values that are plausible for the member, so deeper code runs. */
function plausible(member: string, type: string): fc.Arbitrary<unknown> {
  switch (member) {
    case 'SecretId':
      return fc.constantFrom(...VICTIMS, ...victimArns, 'fuzz-no-such-secret', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-AbCdEf');
    case 'Name':
      return fc.stringMatching(/^[A-Za-z0-9/_+=.@-]{1,30}$/).map((s) => `fuzz-new-${s}`);
    case 'ClientRequestToken':
    case 'VersionId':
    case 'MoveToVersionId':
    case 'RemoveFromVersionId':
      return fc.constant(null).map(() => randomUUID());
    case 'VersionStage':
      return fc.constantFrom('AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING', 'CUSTOM');
    case 'VersionStages':
      return fc.constantFrom(['AWSCURRENT'], ['CUSTOM'], ['AWSPENDING', 'X']);
    case 'SecretString':
      return fc.constant(null).map(() => `fuzz-value-${randomBytes(8).toString('hex')}`);
    case 'SecretBinary':
      return fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b).toString('base64'));
    case 'ResourcePolicy':
      return fc.constantFrom(policy, '{"Version":"2012-10-17","Statement":[]}');
    case 'Tags':
      return fc.constantFrom([{ Key: 'k', Value: 'v' }], []);
    case 'TagKeys':
      return fc.constantFrom(['k'], []);
    case 'Filters':
      return fc.constantFrom([{ Key: 'name', Values: ['fuzz'] }], [{ Key: 'all', Values: ['x'] }], [{ Key: 'bogus', Values: ['x'] }]);
    case 'SecretIdList':
      return fc.constantFrom([...VICTIMS], ['fuzz-no-such-secret']);
    case 'AddReplicaRegions':
      return fc.constantFrom([{ Region: 'eu-west-1' }], [{ Region: 'nowhere' }]);
    case 'RemoveReplicaRegions':
      return fc.constantFrom(['eu-west-1']);
    case 'RotationRules':
      return fc.constantFrom({ AutomaticallyAfterDays: 30 }, { ScheduleExpression: 'rate(4 hours)' }, { ScheduleExpression: 'cron(0 1 * * ? *)', Duration: '2h' });
    case 'RotationLambdaARN':
      return fc.constant('arn:aws:lambda:us-east-1:123456789012:function:rotator');
    case 'SortOrder':
      return fc.constantFrom('asc', 'desc');
    case 'SortBy':
      return fc.constantFrom('name', 'created-date');
    case 'NextToken':
      return fc.string({ minLength: 1, maxLength: 20 });
    default:
      break;
  }
  switch (type) {
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'long':
      return fc.integer({ min: -2, max: 5000 });
    case 'blob':
      return fc.uint8Array({ maxLength: 32 }).map((b) => Buffer.from(b).toString('base64'));
    case 'list':
      return fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 });
    case 'structure':
      return fc.constant({});
    default:
      return fc.string({ maxLength: 20 });
  }
}

/** An object with some members plausible and at least one member weird. */
function structured(op: string): fc.Arbitrary<Body> {
  const members = inputMembers(op);
  return fc
    .tuple(fc.subarray(members), fc.subarray(members, { minLength: 1 }))
    .chain(([ok, bad]) => {
      const rec: Record<string, fc.Arbitrary<unknown>> = {};
      for (const m of ok) rec[m.name] = plausible(m.name, m.type);
      for (const m of bad) rec[m.name] = weird;
      return fc.record(rec);
    })
    .map((o) => ({ kind: 'text' as const, text: ser(o) }));
}

function bodies(op: string): fc.Arbitrary<Body> {
  return fc.oneof(
    { weight: 6, arbitrary: structured(op) },
    { weight: 2, arbitrary: fc.anything({ maxDepth: 4, maxKeys: 5 }).map((v): Body => ({ kind: 'text', text: ser(v) })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b): Body => ({ kind: 'bytes', bytes: Buffer.from(b) })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 50 }).map((s): Body => ({ kind: 'text', text: s })) },
  );
}

/** Fixed hostile bodies sent to every operation. `strict` ⇒ must be a 4xx. */
function fixedBodies(op: string): { label: string; body: Body; strict: boolean }[] {
  const members = inputMembers(op);
  const allNull = Object.fromEntries(members.map((m) => [m.name, null]));
  const t = (label: string, text: string, strict: boolean) => ({ label, body: { kind: 'text' as const, text }, strict });
  const out = [
    t('empty body', '', false),
    t('null', 'null', false),
    t('array', '[]', true),
    t('string', '"SecretId"', true),
    t('number', '42', true),
    t('truncated object', '{"SecretId":', true),
    t('single quotes', "{'SecretId':'x'}", true),
    t('BOM', '\ufeff{}', false),
    t('deep array', deep(100_000, '[', ']'), true),
    t('deep object (unknown member)', `{"Unknown":${deep(100_000, '{"a":', '}')}}`, false),
    t('every member null', JSON.stringify(allNull), false),
    t('duplicate keys', '{"SecretId":"a","SecretId":"fuzz-victim-1"}', false),
    t('over 1 MiB', JSON.stringify({ SecretId: 'x', Description: 'y'.repeat(1_100_000) }), true),
    { label: 'non-UTF-8 bytes', body: { kind: 'bytes' as const, bytes: Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0xc3, 0x28, 0x7d]) }, strict: true },
  ];
  // Each member alone set to null (or to a list item / structure with null or missing members), the
  // required members being plausible: null must count as absent, as the validator says it does.
  for (const m of members) {
    const variants: [string, unknown][] = [[`${m.name}=null`, null]];
    const item = m.itemMembers;
    if (m.type === 'list' && item !== undefined) {
      variants.push([`${m.name}=[{}]`, [{}]], [`${m.name}=[{all null}]`, [Object.fromEntries(item.map((k) => [k, null]))]]);
      for (const k of item) variants.push([`${m.name}=[{${k} only}]`, [{ [k]: plausibleFixed(k) }]]);
    }
    if (m.type === 'structure' && m.structMembers !== undefined) {
      variants.push([`${m.name}={all null}`, Object.fromEntries(m.structMembers.map((k) => [k, null]))]);
    }
    for (const [label, value] of variants) out.push(t(label, JSON.stringify({ ...requiredPlausible(op, m.name), [m.name]: value }), false));
  }
  for (const m of members) {
    if (m.type === 'long' || m.type === 'integer') {
      for (const n of ['1e999', '-1e999', '123456789012345678901234567890', '1.5', '-0', '2147483648']) {
        out.push(t(`${m.name}=${n}`, `{"${m.name}":${n}}`, n !== '-0'));
      }
    }
    if (m.type === 'blob') {
      for (const b of ['@@@@', 'YQ', 'YWJj=', ' YWJj', '']) out.push(t(`${m.name}=${JSON.stringify(b)}`, `{"${m.name}":${JSON.stringify(b)}}`, true));
    }
    if (m.type === 'string') out.push(t(`${m.name} as object`, `{"${m.name}":{"nested":"x"}}`, true));
    if (m.type === 'list') out.push(t(`${m.name} of nulls`, `{"${m.name}":[null,null]}`, true));
  }
  return out;
}

/** A plausible value for a (possibly nested) member name, for the fixed bodies. */
function plausibleFixed(member: string): unknown {
  const table: Record<string, unknown> = {
    SecretId: VICTIMS[0],
    Name: `fuzz-fixed-${randomBytes(6).toString('hex')}`,
    ClientRequestToken: randomUUID(),
    ResourcePolicy: policy,
    VersionStage: 'CUSTOM-LABEL',
    RemoveReplicaRegions: ['eu-west-1'],
    AddReplicaRegions: [{ Region: 'eu-west-1' }],
    Tags: [{ Key: 'k', Value: 'v' }],
    TagKeys: ['k'],
    Key: 'name',
    Value: 'v',
    Values: ['fuzz'],
    Region: 'eu-west-1',
    KmsKeyId: 'alias/aws/secretsmanager',
  };
  return table[member] ?? 'x';
}
/** The operation's required members (plus a token where one is needed), except `except`. */
function requiredPlausible(op: string, except: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of inputShape(op)?.required ?? []) if (r !== except) out[r] = plausibleFixed(r);
  if (['CreateSecret', 'PutSecretValue', 'UpdateSecret', 'RotateSecret'].includes(op) && except !== 'ClientRequestToken') {
    out.ClientRequestToken = randomUUID();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

let proc: RotorProcess;
let target: RawTarget;

beforeAll(async () => {
  proc = await startRotor();
  target = { endpoint: proc.url, accessKeyId: proc.accessKeyId, secretAccessKey: proc.secretAccessKey, region: proc.region };
  const a = await rawJson(target, 'CreateSecret', { Name: ANCHOR, SecretString: ANCHOR_VALUE, ClientRequestToken: randomUUID() });
  expect(a.status).toBe(200);
  victimArns = [];
  for (const v of VICTIMS) {
    const r = await rawJson(target, 'CreateSecret', { Name: v, SecretString: `victim ${v}`, ClientRequestToken: randomUUID() });
    expect(r.status).toBe(200);
    victimArns.push(String((r.json as { ARN: string }).ARN));
  }
});

afterAll(async () => {
  await proc?.stop('SIGTERM');
});

/** Victims may have been deleted or changed by earlier runs: bring them back so deeper paths stay reachable. */
async function reviveVictims(): Promise<void> {
  for (const v of VICTIMS) {
    const d = await rawJson(target, 'DescribeSecret', { SecretId: v });
    if (d.status === 200 && (d.json as { DeletedDate?: number }).DeletedDate !== undefined) await rawJson(target, 'RestoreSecret', { SecretId: v });
    if (d.status !== 200) await rawJson(target, 'CreateSecret', { Name: v, SecretString: `victim ${v}`, ClientRequestToken: randomUUID() });
  }
}

const KNOWN = new Set(Object.keys(ERROR_CODES));

/** Everything wrong with one answer ('' if nothing). */
function verdict(res: RawResult, sensitive: string[], strict: boolean): string {
  if (res.status >= 500) return `HTTP ${res.status} ${res.text.slice(0, 300)}`;
  if (res.json === undefined || typeof res.json !== 'object' || res.json === null || Array.isArray(res.json)) {
    return `HTTP ${res.status} with a non-JSON-object body: ${JSON.stringify(res.text.slice(0, 200))}`;
  }
  if (!(res.contentType ?? '').includes('application/x-amz-json-1.1')) return `content-type ${String(res.contentType)}`;
  if (res.status === 200) return strict ? 'HTTP 200 for a body that must be refused' : '';
  if (res.status < 400) return `HTTP ${res.status}`;
  const b = res.json as { __type?: unknown; Message?: unknown };
  if (typeof b.__type !== 'string' || !KNOWN.has(b.__type)) return `unknown __type ${JSON.stringify(b.__type)}`;
  if (typeof b.Message !== 'string') return `no Message: ${res.text.slice(0, 200)}`;
  if (ERROR_CODES[b.__type as keyof typeof ERROR_CODES] !== res.status) return `${b.__type} with HTTP ${res.status}`;
  for (const s of sensitive) if (b.Message.includes(s)) return `${b.__type} echoes a secret value: ${b.Message.slice(0, 200)}`;
  return '';
}

/** SecretString / SecretBinary values (≥ 16 chars) that an error must not repeat. */
function sensitiveOf(body: Body): string[] {
  if (body.kind !== 'text') return [];
  try {
    const o = JSON.parse(body.text) as unknown;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return [];
    const out: string[] = [];
    for (const k of ['SecretString', 'SecretBinary']) {
      const v = (o as Record<string, unknown>)[k];
      if (typeof v === 'string' && v.length >= 16) out.push(v.slice(0, 64));
    }
    return out;
  } catch {
    return [];
  }
}

async function send(op: string, body: Body): Promise<RawResult> {
  return rawCall(target, op, body.kind === 'text' ? body.text : body.bytes, { timeoutMs: REQUEST_TIMEOUT_MS });
}

describe('bad input never breaks the server', () => {
  it('a constraint-violating SecretString is refused without echoing it', async () => {
    const marker = `NOECHO${randomBytes(6).toString('hex')}`;
    const cases: [string, unknown][] = [
      ['CreateSecret', { Name: 'fuzz-echo-1', ClientRequestToken: randomUUID(), SecretString: marker.repeat(Math.ceil(65_537 / marker.length)) }],
      ['PutSecretValue', { SecretId: VICTIMS[0], ClientRequestToken: randomUUID(), SecretString: marker.repeat(Math.ceil(65_537 / marker.length)) }],
      ['UpdateSecret', { SecretId: VICTIMS[0], ClientRequestToken: randomUUID(), SecretString: marker, SecretBinary: 'YWJj' }],
      ['CreateSecret', { Name: 'bad name!', ClientRequestToken: randomUUID(), SecretString: marker }],
      ['PutSecretValue', { SecretId: VICTIMS[0], ClientRequestToken: 'short', SecretString: marker }],
      ['PutSecretValue', { SecretId: VICTIMS[0], ClientRequestToken: randomUUID(), SecretString: { nested: marker } }],
      ['CreateSecret', { Name: 'fuzz-echo-2', ClientRequestToken: randomUUID(), SecretBinary: Buffer.from(marker.repeat(6000)).toString('base64') }],
    ];
    for (const [op, body] of cases) {
      const r = await rawJson(target, op, body, { timeoutMs: REQUEST_TIMEOUT_MS });
      expect(r.status, `${op} ${r.text.slice(0, 200)}`).toBe(400);
      expect(r.text).not.toContain(marker);
      expect(r.text).not.toContain(Buffer.from(marker).toString('base64').slice(0, 12));
    }
  });

  it('fixed hostile bodies, for every operation', async () => {
    const problems: string[] = [];
    for (const op of OPERATION_NAMES) {
      for (const f of fixedBodies(op)) {
        try {
          const r = await send(op, f.body);
          const v = verdict(r, sensitiveOf(f.body), f.strict);
          if (v !== '') problems.push(`${op} / ${f.label}: ${v}`);
        } catch (e) {
          problems.push(`${op} / ${f.label}: no answer (${e instanceof Error ? e.name : String(e)})`);
        }
      }
      await reviveVictims();
    }
    expect(problems).toEqual([]);
  });

  it(`arbitrary bodies (${RUNS_PER_OPERATION} runs per operation), for every operation`, async () => {
    const problems: string[] = [];
    let sent = 0;
    for (const op of OPERATION_NAMES) {
      await reviveVictims();
      const perOp: string[] = [];
      await fc.assert(
        fc.asyncProperty(bodies(op), async (body) => {
          sent++;
          let v: string;
          try {
            v = verdict(await send(op, body), sensitiveOf(body), false);
          } catch (e) {
            v = `no answer (${e instanceof Error ? e.name : String(e)})`;
          }
          if (v !== '' && perOp.length < 3) {
            const shown = body.kind === 'text' ? body.text : `bytes ${body.bytes.toString('hex')}`;
            perOp.push(`${op}: ${v} — body ${shown.length > 300 ? `${shown.slice(0, 300)}… (${shown.length} chars)` : shown}`);
          }
        }),
        { numRuns: RUNS_PER_OPERATION, endOnFailure: true },
      );
      problems.push(...perOp);
    }
    expect(sent).toBe(RUNS_PER_OPERATION * OPERATION_NAMES.length);
    expect(problems).toEqual([]);
  });

  it('the server is still healthy and serves ordinary requests afterwards', async () => {
    const h = await fetch(`${proc.url}/health`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    expect(h.status).toBe(200);
    expect(await h.json()).toEqual({ status: 'ok' });
    const g = await rawJson(target, 'GetSecretValue', { SecretId: ANCHOR }, { timeoutMs: REQUEST_TIMEOUT_MS });
    expect(g.status).toBe(200);
    expect((g.json as { SecretString: string }).SecretString).toBe(ANCHOR_VALUE);
    expect(proc.running()).toBe(true);

    // Whatever the fuzz did, every secret still satisfies the label invariants (spec §2.3).
    const broken: string[] = [];
    let token: string | undefined;
    let count = 0;
    for (let page = 0; page < 50; page++) {
      const l = await rawJson(target, 'ListSecrets', { IncludePlannedDeletion: true, MaxResults: 100, ...(token ? { NextToken: token } : {}) });
      expect(l.status).toBe(200);
      const body = l.json as { SecretList: { Name: string; ARN: string }[]; NextToken?: string };
      for (const s of body.SecretList) {
        count++;
        const d = await rawJson(target, 'DescribeSecret', { SecretId: s.ARN });
        const map = (d.json as { VersionIdsToStages?: Record<string, string[]> }).VersionIdsToStages ?? {};
        const labels = Object.values(map).flat();
        if (new Set(labels).size !== labels.length) broken.push(`${s.Name}: a label on two versions ${JSON.stringify(map)}`);
        const versions = Object.keys(map).length;
        const current = labels.filter((x) => x === 'AWSCURRENT').length;
        if (versions > 0 && current !== 1) broken.push(`${s.Name}: ${current} AWSCURRENT ${JSON.stringify(map)}`);
      }
      token = body.NextToken;
      if (token === undefined) break;
    }
    expect(count).toBeGreaterThanOrEqual(VICTIMS.length + 1);
    expect(broken).toEqual([]);
  });
});
