/**
 * Conformance through the real AWS CLI v2 (/usr/bin/aws 2.9.19) against a real `rotor serve` process (or
 * ROTOR_TEST_ENDPOINT). Every operation a CLI user reaches for, with its exit codes and error lines (spec §5,
 * §7, §12.4, §14).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startTarget, tempDir, type TestTarget } from '../helpers/process.js';
import { createCli, type Cli, type CliResult } from '../helpers/cli.js';

let t: TestTarget;
let cli: Cli;
let dir: { path: string; cleanup(): void };

beforeAll(async () => {
  t = await startTarget();
  cli = createCli(t);
  dir = tempDir('rotor-cli-files-');
});

afterAll(async () => {
  cli?.cleanup();
  dir?.cleanup();
  await t?.close();
});

function ok(r: CliResult): Record<string, unknown> {
  if (r.status !== 0) throw new Error(`aws exited ${String(r.status)}: ${r.stderr}`);
  return r.json ?? {};
}

function serviceError(r: CliResult, code: string, op: string, message?: string): void {
  expect(r.status, r.stderr).toBe(254);
  const line = r.stderr.trim();
  expect(line.startsWith(`An error occurred (${code}) when calling the ${op} operation: `), line).toBe(true);
  if (message !== undefined) expect(line).toBe(`An error occurred (${code}) when calling the ${op} operation: ${message}`);
}

const arnRe = (name: string) =>
  new RegExp(`^arn:aws:secretsmanager:${t.region}:${t.accountId ?? '\\d{12}'}:secret:${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}-[A-Za-z0-9]{6}$`);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function create(name: string, value: string, extra: string[] = []): Promise<Record<string, unknown>> {
  return ok(await cli.run(['create-secret', '--name', name, '--secret-string', value, ...extra]));
}

function stagesOf(describe: Record<string, unknown>): Record<string, string[]> {
  const m = describe.VersionIdsToStages as Record<string, string[]> | undefined;
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(m ?? {})) out[k] = [...v].sort();
  return out;
}

describe.concurrent('aws cli v2 → rotor', { timeout: 120_000 }, () => {
  it('create-secret (--description, --tags shorthand) and describe-secret', async () => {
    const name = `${t.prefix}/app/db`;
    const c = await create(name, '{"user":"app","password":"p1"}', ['--description', 'first description', '--tags', 'Key=env,Value=prod', 'Key=team,Value=core']);
    expect(c.Name).toBe(name);
    expect(c.ARN).toMatch(arnRe(name));
    expect(c.VersionId).toMatch(UUID);
    const d = ok(await cli.run(['describe-secret', '--secret-id', name]));
    expect(d.ARN).toBe(c.ARN);
    expect(d.Name).toBe(name);
    expect(d.Description).toBe('first description');
    expect(d).not.toHaveProperty('KmsKeyId');
    expect(d).not.toHaveProperty('DeletedDate');
    expect(d).not.toHaveProperty('RotationEnabled');
    const tags = (d.Tags as { Key: string; Value: string }[]).map((x) => `${x.Key}=${x.Value}`).sort();
    expect(tags).toEqual(['env=prod', 'team=core']);
    expect(stagesOf(d)).toEqual({ [String(c.VersionId)]: ['AWSCURRENT'] });
    // v2 prints timestamps as ISO 8601.
    expect(Number.isNaN(Date.parse(String(d.CreatedDate)))).toBe(false);
    expect(Math.abs(Date.parse(String(d.CreatedDate)) - Date.now())).toBeLessThan(5 * 60_000);
    // A duplicate name is a service error.
    serviceError(
      await cli.run(['create-secret', '--name', name, '--secret-string', 'x']),
      'ResourceExistsException',
      'CreateSecret',
      `The operation failed because the secret ${name} already exists.`,
    );
  });

  it('get-secret-value by name, full ARN and partial ARN', async () => {
    const name = `${t.prefix}-get-by-id`;
    const c = await create(name, 'value-by-id');
    const arn = String(c.ARN);
    const partial = arn.slice(0, -7);
    for (const id of [name, arn, partial]) {
      const g = ok(await cli.run(['get-secret-value', '--secret-id', id]));
      expect(g.SecretString, id).toBe('value-by-id');
      expect(g.ARN).toBe(arn);
      expect(g.Name).toBe(name);
      expect(g.VersionId).toBe(c.VersionId);
      expect(g.VersionStages).toEqual(['AWSCURRENT']);
      expect(g).not.toHaveProperty('SecretBinary');
    }
  });

  it('unknown secret: exit 254 and the AWS error line on stderr', async () => {
    const r = cli.runSync(['get-secret-value', '--secret-id', `${t.prefix}-does-not-exist`]);
    serviceError(r, 'ResourceNotFoundException', 'GetSecretValue', "Secrets Manager can't find the specified secret.");
    expect(r.stdout).toBe('');
  });

  it('create-secret --secret-binary fileb:// round-trips the bytes', async () => {
    const name = `${t.prefix}-bin-value`;
    const bytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(300)]);
    const file = join(dir.path, 'secret.bin');
    writeFileSync(file, bytes);
    const c = ok(await cli.run(['create-secret', '--name', name, '--secret-binary', `fileb://${file}`]));
    const g = ok(await cli.run(['get-secret-value', '--secret-id', name]));
    expect(g).not.toHaveProperty('SecretString');
    expect(Buffer.from(String(g.SecretBinary), 'base64').equals(bytes)).toBe(true);
    expect(g.VersionId).toBe(c.VersionId);
  });

  it('put-secret-value (with and without --version-stages), AWSPREVIOUS, update-secret', async () => {
    const name = `${t.prefix}-put`;
    const v1 = await create(name, 'v1');
    const p2 = ok(await cli.run(['put-secret-value', '--secret-id', name, '--secret-string', 'v2']));
    expect(p2.VersionStages).toEqual(['AWSCURRENT']);
    expect(p2.VersionId).toMatch(UUID);
    const prev = ok(await cli.run(['get-secret-value', '--secret-id', name, '--version-stage', 'AWSPREVIOUS']));
    expect(prev.SecretString).toBe('v1');
    expect(prev.VersionId).toBe(v1.VersionId);
    expect(prev.VersionStages).toEqual(['AWSPREVIOUS']);

    // A custom stage only: AWSCURRENT must not move (spec §5.5, §13.7).
    const p3 = ok(await cli.run(['put-secret-value', '--secret-id', name, '--secret-string', 'v3', '--version-stages', 'STAGED']));
    expect(p3.VersionStages).toEqual(['STAGED']);
    expect(ok(await cli.run(['get-secret-value', '--secret-id', name])).SecretString).toBe('v2');

    // update-secret with a value: a new AWSCURRENT version, old current → AWSPREVIOUS.
    const u = ok(await cli.run(['update-secret', '--secret-id', name, '--description', 'second description', '--secret-string', 'v4']));
    expect(u.VersionId).toMatch(UUID);
    expect(u.Name).toBe(name);
    const d = ok(await cli.run(['describe-secret', '--secret-id', name]));
    expect(d.Description).toBe('second description');
    expect(stagesOf(d)).toEqual({
      [String(u.VersionId)]: ['AWSCURRENT'],
      [String(p2.VersionId)]: ['AWSPREVIOUS'],
      [String(p3.VersionId)]: ['STAGED'],
    });
    // Metadata only: no VersionId in the answer (spec §13.6).
    const meta = ok(await cli.run(['update-secret', '--secret-id', name, '--description', 'third']));
    expect(meta).not.toHaveProperty('VersionId');
    expect(meta.Name).toBe(name);
  });

  it('update-secret-version-stage: the rollback of spec §7', async () => {
    const name = `${t.prefix}-rollback`;
    const a = await create(name, 'good');
    const b = ok(await cli.run(['put-secret-value', '--secret-id', name, '--secret-string', 'bad']));
    // Without RemoveFromVersionId the move is refused (spec §5.7, §14).
    serviceError(
      await cli.run(['update-secret-version-stage', '--secret-id', name, '--version-stage', 'AWSCURRENT', '--move-to-version-id', String(a.VersionId)]),
      'InvalidParameterException',
      'UpdateSecretVersionStage',
      `The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to version ${String(b.VersionId)}, so you must explicitly reference that version in RemoveFromVersionId.`,
    );
    const r = ok(
      await cli.run([
        'update-secret-version-stage',
        '--secret-id',
        name,
        '--version-stage',
        'AWSCURRENT',
        '--move-to-version-id',
        String(a.VersionId),
        '--remove-from-version-id',
        String(b.VersionId),
      ]),
    );
    expect(r.Name).toBe(name);
    expect(r.ARN).toBe(a.ARN);
    expect(stagesOf(ok(await cli.run(['describe-secret', '--secret-id', name])))).toEqual({
      [String(a.VersionId)]: ['AWSCURRENT'],
      [String(b.VersionId)]: ['AWSPREVIOUS'],
    });
    expect(ok(await cli.run(['get-secret-value', '--secret-id', name])).SecretString).toBe('good');
  });

  it('list-secret-version-ids --include-deprecated', async () => {
    const name = `${t.prefix}-versions`;
    const v1 = await create(name, 'one');
    const v2 = ok(await cli.run(['put-secret-value', '--secret-id', name, '--secret-string', 'two']));
    const v3 = ok(await cli.run(['put-secret-value', '--secret-id', name, '--secret-string', 'three']));
    type V = { VersionId: string; VersionStages?: string[]; KmsKeyIds?: string[]; CreatedDate?: string };
    const plain = ok(await cli.run(['list-secret-version-ids', '--secret-id', name]));
    expect(plain.Name).toBe(name);
    expect(plain.ARN).toBe(v1.ARN);
    const pv = plain.Versions as V[];
    expect(pv.map((v) => v.VersionId).sort()).toEqual([String(v2.VersionId), String(v3.VersionId)].sort());
    const all = ok(await cli.run(['list-secret-version-ids', '--secret-id', name, '--include-deprecated']));
    const av = all.Versions as V[];
    expect(av.map((v) => v.VersionId).sort()).toEqual([String(v1.VersionId), String(v2.VersionId), String(v3.VersionId)].sort());
    const byId = new Map(av.map((v) => [v.VersionId, v]));
    expect(byId.get(String(v1.VersionId))).not.toHaveProperty('VersionStages');
    expect(byId.get(String(v2.VersionId))?.VersionStages).toEqual(['AWSPREVIOUS']);
    expect(byId.get(String(v3.VersionId))?.VersionStages).toEqual(['AWSCURRENT']);
    for (const v of av) {
      expect(v.KmsKeyIds).toEqual(['DefaultEncryptionKey']);
      expect(Number.isNaN(Date.parse(String(v.CreatedDate)))).toBe(false);
    }
  });

  it('list-secrets: --filters, and --page-size/--max-items pagination returns everything exactly once', async () => {
    const base = `${t.prefix}-list-`;
    const names = Array.from({ length: 5 }, (_, i) => `${base}${String(i).padStart(2, '0')}`);
    const created = await Promise.all(names.map((n) => cli.run(['create-secret', '--name', n, '--secret-string', `val-${n}`, '--tags', `Key=idx,Value=${n.slice(-2)}`])));
    for (const c of created) expect(c.status, c.stderr).toBe(0);
    const filter = ['--filters', `Key=name,Values=${base}`];

    // Auto-pagination: pages of 2 ⇒ 3 requests, 5 entries, each once.
    const all = ok(await cli.run(['list-secrets', ...filter, '--page-size', '2']));
    const listed = (all.SecretList as { Name: string; ARN: string; SecretVersionsToStages?: Record<string, string[]> }[]);
    expect(listed.map((s) => s.Name).sort()).toEqual(names);
    for (const s of listed) {
      expect(s.ARN).toMatch(arnRe(s.Name));
      expect(Object.values(s.SecretVersionsToStages ?? {})).toEqual([['AWSCURRENT']]);
    }
    expect(all).not.toHaveProperty('NextToken');

    // Without auto-pagination the service itself pages (--max-results 2 ⇒ 2 entries + NextToken).
    const one = ok(await cli.run(['list-secrets', ...filter, '--max-results', '2', '--no-paginate']));
    expect((one.SecretList as unknown[]).length).toBe(2);
    expect(typeof one.NextToken).toBe('string');

    // --max-items 3 --page-size 2: the CLI's resumable token cuts a page mid-way; nothing lost, nothing twice.
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = ok(await cli.run(['list-secrets', ...filter, '--page-size', '2', '--max-items', '3', ...(token ? ['--starting-token', token] : [])]));
      const items = (page.SecretList as { Name: string }[]).map((s) => s.Name);
      expect(items.length).toBeLessThanOrEqual(3);
      seen.push(...items);
      token = typeof page.NextToken === 'string' ? page.NextToken : undefined;
      pages++;
    } while (token !== undefined && pages < 10);
    expect(pages).toBe(2);
    expect([...seen].sort()).toEqual(names);

    // A more specific prefix and a tag-value filter AND together.
    const narrow = ok(await cli.run(['list-secrets', '--filters', `Key=name,Values=${base}0`, 'Key=tag-value,Values=03']));
    expect((narrow.SecretList as { Name: string }[]).map((s) => s.Name)).toEqual([`${base}03`]);
  });

  it('batch-get-secret-value (CLI with the current model): values plus per-item errors', async () => {
    const a = `${t.prefix}-batch-a`;
    const b = `${t.prefix}-batch-b`;
    const missing = `${t.prefix}-batch-missing`;
    await create(a, 'batch-value-a');
    const cb = await create(b, 'batch-value-b');
    const r = ok(await cli.run(['batch-get-secret-value', '--secret-id-list', a, String(cb.ARN), missing], { withCurrentModel: true }));
    const values = (r.SecretValues as { Name: string; SecretString: string; VersionStages: string[] }[]).map((v) => [v.Name, v.SecretString, v.VersionStages]);
    expect(values.sort()).toEqual([
      [a, 'batch-value-a', ['AWSCURRENT']],
      [b, 'batch-value-b', ['AWSCURRENT']],
    ]);
    expect(r.Errors).toEqual([{ SecretId: missing, ErrorCode: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." }]);
    const f = ok(await cli.run(['batch-get-secret-value', '--filters', `Key=name,Values=${t.prefix}-batch-`, '--max-results', '20'], { withCurrentModel: true }));
    expect((f.SecretValues as { Name: string }[]).map((v) => v.Name).sort()).toEqual([a, b]);
  });

  it('delete-secret with a recovery window, restore-secret, then force delete', async () => {
    const name = `${t.prefix}-deleted`;
    await create(name, 'doomed');
    const started = Date.now();
    const d = ok(await cli.run(['delete-secret', '--secret-id', name, '--recovery-window-in-days', '7']));
    expect(d.Name).toBe(name);
    const when = Date.parse(String(d.DeletionDate));
    expect(Math.abs(when - (started + 7 * 86_400_000))).toBeLessThan(5 * 60_000);
    serviceError(
      await cli.run(['get-secret-value', '--secret-id', name]),
      'InvalidRequestException',
      'GetSecretValue',
      "You can't perform this operation on the secret because it was marked for deletion.",
    );
    const planned = ok(await cli.run(['list-secrets', '--include-planned-deletion', '--filters', `Key=name,Values=${name}`]));
    expect((planned.SecretList as { Name: string; DeletedDate?: string }[]).map((s) => s.Name)).toEqual([name]);
    expect(Math.abs(Date.parse(String((planned.SecretList as { DeletedDate?: string }[])[0]?.DeletedDate)) - when)).toBeLessThan(2000);

    const r = ok(await cli.run(['restore-secret', '--secret-id', name]));
    expect(r.Name).toBe(name);
    expect(ok(await cli.run(['get-secret-value', '--secret-id', name])).SecretString).toBe('doomed');

    serviceError(
      await cli.run(['delete-secret', '--secret-id', name, '--force-delete-without-recovery', '--recovery-window-in-days', '7']),
      'InvalidParameterException',
      'DeleteSecret',
    );
    const f = ok(await cli.run(['delete-secret', '--secret-id', name, '--force-delete-without-recovery']));
    expect(f.Name).toBe(name);
    serviceError(await cli.run(['describe-secret', '--secret-id', name]), 'ResourceNotFoundException', 'DescribeSecret', "Secrets Manager can't find the specified secret.");
  });

  it('tag-resource / untag-resource', async () => {
    const name = `${t.prefix}-tags`;
    await create(name, 'tagged');
    const tr = await cli.run(['tag-resource', '--secret-id', name, '--tags', 'Key=k1,Value=v1', 'Key=k2,Value=v2']);
    expect(tr.status, tr.stderr).toBe(0);
    expect(tr.stdout.trim()).toBe('');
    ok(await cli.run(['tag-resource', '--secret-id', name, '--tags', 'Key=k1,Value=v1b', 'Key=K1,Value=upper']));
    const tags = async () =>
      ((ok(await cli.run(['describe-secret', '--secret-id', name])).Tags ?? []) as { Key: string; Value: string }[]).map((x) => `${x.Key}=${x.Value}`).sort();
    const ur = await cli.run(['untag-resource', '--secret-id', name, '--tag-keys', 'k1', 'nothing-here']);
    expect(ur.status, ur.stderr).toBe(0);
    expect(await tags()).toEqual(['K1=upper', 'k2=v2']);
    ok(await cli.run(['untag-resource', '--secret-id', name, '--tag-keys', 'K1', 'k2']));
    // Removing the last tag leaves Tags: [] (spec §13.38).
    expect(ok(await cli.run(['describe-secret', '--secret-id', name])).Tags).toEqual([]);
  });

  it('get-random-password', async () => {
    const d = ok(await cli.run(['get-random-password']));
    const p = String(d.RandomPassword);
    expect(p).toHaveLength(32);
    expect(p).toMatch(/[a-z]/);
    expect(p).toMatch(/[A-Z]/);
    expect(p).toMatch(/[0-9]/);
    expect(p).toMatch(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/);
    expect(p).not.toMatch(/ /);
    const e = ok(await cli.run(['get-random-password', '--password-length', '50', '--exclude-punctuation', '--exclude-characters', 'abcXYZ019']));
    expect(String(e.RandomPassword)).toHaveLength(50);
    expect(String(e.RandomPassword)).toMatch(/^[d-zA-W2-8]+$/);
    serviceError(await cli.run(['get-random-password', '--password-length', '5000']), 'ValidationException', 'GetRandomPassword');
  });

  it('put/get/delete-resource-policy and validate-resource-policy', async () => {
    const name = `${t.prefix}-res-policy`;
    const c = await create(name, 'guarded');
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${t.accountId ?? '123456789012'}:root` },
          Action: 'secretsmanager:GetSecretValue',
          Resource: '*',
        },
      ],
    });
    const publicPolicy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
    });
    const put = ok(await cli.run(['put-resource-policy', '--secret-id', name, '--resource-policy', policy]));
    expect(put).toEqual({ ARN: c.ARN, Name: name });
    const got = ok(await cli.run(['get-resource-policy', '--secret-id', name]));
    expect(got.ResourcePolicy).toBe(policy);
    expect(got.ARN).toBe(c.ARN);

    serviceError(await cli.run(['put-resource-policy', '--secret-id', name, '--resource-policy', publicPolicy, '--block-public-policy']), 'PublicPolicyException', 'PutResourcePolicy');

    const del = ok(await cli.run(['delete-resource-policy', '--secret-id', name]));
    expect(del).toEqual({ ARN: c.ARN, Name: name });
    expect(ok(await cli.run(['get-resource-policy', '--secret-id', name]))).not.toHaveProperty('ResourcePolicy');

    const good = ok(await cli.run(['validate-resource-policy', '--secret-id', name, '--resource-policy', policy]));
    expect(good.PolicyValidationPassed).toBe(true);
    expect((good.ValidationErrors as unknown[] | undefined) ?? []).toEqual([]);
    const bad = ok(await cli.run(['validate-resource-policy', '--resource-policy', publicPolicy]));
    expect(bad.PolicyValidationPassed).toBe(false);
    const errs = bad.ValidationErrors as { CheckName?: string; ErrorMessage?: string }[];
    expect(errs.length).toBeGreaterThan(0);
    for (const e of errs) {
      expect(typeof e.CheckName).toBe('string');
      expect(typeof e.ErrorMessage).toBe('string');
    }
  });
});
