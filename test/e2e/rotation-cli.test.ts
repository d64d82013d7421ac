/**
 * End to end, as a user would: a real `rotor serve` process, functions deployed with
 * `aws lambda create-function` (a Python handler shaped like AWS's rotation template, and a Node handler),
 * `aws secretsmanager rotate-secret` by name, full ARN and partial ARN, polling until AWSCURRENT moves.
 * Then failures at each step, a function that times out, and a SIGKILL of the server during each step,
 * after which the rotation completes with the same VersionId.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRotor, type RotorProcess } from '../helpers/process.js';
import { runAws, type AwsResult } from '../helpers/aws-cli-any.js';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'rotor-e2e-'));
const markers = join(work, 'markers');
const configFile = join(work, 'config.json');
writeFileSync(configFile, JSON.stringify({ rotation: { pollMs: 50, leaseMs: 1000, backoffBaseMs: 100, backoffMaxMs: 400, maxAttempts: 2 } }));
let rotor: RotorProcess;

function aws(args: string[]): Promise<AwsResult> {
  return runAws(rotor, work, args);
}

async function ok(args: string[]): Promise<Record<string, unknown>> {
  const r = await aws(args);
  if (r.status !== 0) throw new Error(`aws ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.json;
}

function zipOf(files: Record<string, string>): string {
  const path = join(work, `code-${Object.keys(files).join('-').replace(/[^a-z]/gi, '')}-${Math.random().toString(36).slice(2)}.zip`);
  const entries: Record<string, Uint8Array> = {};
  for (const [name, src] of Object.entries(files)) entries[name] = new Uint8Array(readFileSync(join(FIXTURES, src)));
  writeFileSync(path, zipSync(entries));
  return path;
}

async function deploy(name: string, runtime: 'python3.11' | 'nodejs20.x', env: Record<string, string> = {}, timeout = 30): Promise<string> {
  const zip = runtime === 'python3.11' ? zipOf({ 'lambda_function.py': 'lambda_function.py' }) : zipOf({ 'index.mjs': 'node/index.mjs' });
  const handler = runtime === 'python3.11' ? 'lambda_function.lambda_handler' : 'index.handler';
  const vars = Object.entries({ MARKER_DIR: markers, ...env }).map(([k, v]) => `${k}=${v}`).join(',');
  const f = await ok([
    'lambda', 'create-function', '--function-name', name, '--runtime', runtime, '--handler', handler,
    '--role', `arn:aws:iam::${rotor.accountId}:role/rotation-role`, '--zip-file', `fileb://${zip}`,
    '--timeout', String(timeout), '--environment', `Variables={${vars}}`,
  ]);
  await ok(['lambda', 'add-permission', '--function-name', name, '--statement-id', 'SecretsManagerAccess',
    '--action', 'lambda:InvokeFunction', '--principal', 'secretsmanager.amazonaws.com']);
  return String(f.FunctionArn);
}

async function stages(secret: string): Promise<Record<string, string[]>> {
  const d = await ok(['secretsmanager', 'describe-secret', '--secret-id', secret]);
  return (d.VersionIdsToStages ?? {}) as Record<string, string[]>;
}

async function until<T>(f: () => Promise<T>, pred: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (pred(v)) return v;
    if (Date.now() > end) throw new Error(`timed out: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function runs(secret: string): Promise<{ Status: string; Error?: string; Steps: { Step: string; Outcome: string; Output?: string; Error?: string }[]; ClientRequestToken: string }[]> {
  const { signRequest } = await import('../../src/auth/sigv4.js');
  const url = new URL(rotor.url);
  const body = JSON.stringify({ SecretId: secret });
  const headers = signRequest({
    method: 'POST', host: url.host, path: '/', body,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'rotor.ListRotationRuns' },
    accessKeyId: rotor.accessKeyId, secretAccessKey: rotor.secretAccessKey, region: rotor.region, service: 'secretsmanager',
  });
  const r = await fetch(rotor.url, { method: 'POST', headers, body });
  return ((await r.json()) as { RotationRuns: never[] }).RotationRuns;
}

let pyArn = '';
let nodeArn = '';

beforeAll(async () => {
  writeFileSync(join(work, '.keep'), '');
  rmSync(markers, { recursive: true, force: true });
  (await import('node:fs')).mkdirSync(markers);
  rotor = await startRotor({ dataDir: join(work, 'data'), configFile });
  pyArn = await deploy('rotate-python', 'python3.11');
  nodeArn = await deploy('rotate-node', 'nodejs20.x');
}, 120_000);

afterAll(async () => {
  await rotor?.stop('SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

describe('rotation with the AWS CLI and real functions', () => {
  it('lists the deployed functions and their policy', async () => {
    const l = await ok(['lambda', 'list-functions']);
    const names = (l.Functions as { FunctionName: string }[]).map((f) => f.FunctionName);
    expect(names).toEqual(expect.arrayContaining(['rotate-python', 'rotate-node']));
    const p = await ok(['lambda', 'get-policy', '--function-name', 'rotate-python']);
    expect(String(p.Policy)).toContain('secretsmanager.amazonaws.com');
  });

  it('rotates with the Python template function by name, then by full ARN, then by partial ARN', async () => {
    const c = await ok(['secretsmanager', 'create-secret', '--name', 'e2e/python', '--secret-string', '{"username":"app","password":"initial"}']);
    const arn = String(c.ARN);
    const v1 = String(c.VersionId);
    const r1 = await ok(['secretsmanager', 'rotate-secret', '--secret-id', 'e2e/python', '--rotation-lambda-arn', pyArn,
      '--rotation-rules', '{"ScheduleExpression": "cron(0 16 1,15 * ? *)", "Duration": "2h"}']);
    expect(r1).toMatchObject({ ARN: arn, Name: 'e2e/python' });
    const t1 = String(r1.VersionId);
    const s1 = await until(() => stages(arn), (s) => JSON.stringify(s[t1]) === '["AWSCURRENT"]');
    expect(s1[t1]).toEqual(['AWSCURRENT']);
    expect(s1[v1]).toEqual(['AWSPREVIOUS']);
    const value = JSON.parse(String((await ok(['secretsmanager', 'get-secret-value', '--secret-id', arn])).SecretString)) as Record<string, unknown>;
    expect(value).toMatchObject({ username: 'app', rotations: 1 });
    expect(value.password).not.toBe('initial');

    const r2 = await ok(['secretsmanager', 'rotate-secret', '--secret-id', arn]);
    await until(() => stages(arn), (s) => (s[String(r2.VersionId)] ?? []).includes('AWSCURRENT'));
    const r3 = await ok(['secretsmanager', 'rotate-secret', '--secret-id', arn.slice(0, -7), '--client-request-token', 'e2e-python-third-rotation-token-0001']);
    expect(r3.VersionId).toBe('e2e-python-third-rotation-token-0001');
    const s3 = await until(() => stages(arn), (s) => JSON.stringify(s['e2e-python-third-rotation-token-0001']) === '["AWSCURRENT"]');
    expect(s3[String(r2.VersionId)]).toEqual(['AWSPREVIOUS']);
    const d = await ok(['secretsmanager', 'describe-secret', '--secret-id', arn]);
    expect(d).toMatchObject({ RotationEnabled: true, RotationLambdaARN: pyArn });
    expect(d.LastRotatedDate).toBeDefined();
    const history = await runs(arn);
    expect(history).toHaveLength(3);
    expect(history[2]?.Steps.map((s) => s.Step)).toEqual(['createSecret', 'setSecret', 'testSecret', 'finishSecret']);
    expect(history[2]?.Steps.some((s) => (s.Output ?? '').includes('setSecret: would set the password of app'))).toBe(true);
  }, 60_000);

  it('rotates with the Node handler, and RotateImmediately=false only tests', async () => {
    await ok(['secretsmanager', 'create-secret', '--name', 'e2e/node', '--secret-string', 'node-initial']);
    const t = await ok(['secretsmanager', 'rotate-secret', '--secret-id', 'e2e/node', '--rotation-lambda-arn', nodeArn, '--no-rotate-immediately',
      '--rotation-rules', 'AutomaticallyAfterDays=30']);
    await until(() => runs('e2e/node'), (h) => h[0]?.Status === 'succeeded');
    const afterTest = await stages('e2e/node');
    expect(afterTest[String(t.VersionId)]).toBeUndefined();
    expect((await ok(['secretsmanager', 'get-secret-value', '--secret-id', 'e2e/node'])).SecretString).toBe('node-initial');
    const r = await ok(['secretsmanager', 'rotate-secret', '--secret-id', 'e2e/node']);
    await until(() => stages('e2e/node'), (s) => (s[String(r.VersionId)] ?? []).includes('AWSCURRENT'));
    const v = await ok(['secretsmanager', 'get-secret-value', '--secret-id', 'e2e/node']);
    expect(String(v.SecretString)).toMatch(/^[A-Za-z0-9]{24}$/);
    const h = await runs('e2e/node');
    expect(h[0]?.Steps.find((s) => s.Step === 'setSecret')?.Output).toContain('step setSecret');
  }, 60_000);

  for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
    it(`a failure in ${step} is retried, recorded, and leaves AWSCURRENT working`, async () => {
      const fn = await deploy(`fail-${step.toLowerCase()}`, 'python3.11', { FAIL_STEP: step });
      const name = `e2e/fail-${step}`;
      const c = await ok(['secretsmanager', 'create-secret', '--name', name, '--secret-string', '{"username":"u","password":"keep"}']);
      const r = await ok(['secretsmanager', 'rotate-secret', '--secret-id', name, '--rotation-lambda-arn', fn]);
      const h = await until(() => runs(name), (x) => x[0]?.Status === 'failed');
      expect(h[0]?.Error).toContain(`during ${step} step`);
      expect(h[0]?.Steps.filter((s) => s.Outcome === 'Failed').length).toBe(2);
      expect(h[0]?.Steps.find((s) => s.Outcome === 'Failed')?.Error).toContain(`injected failure in ${step}`);
      const s = await stages(name);
      expect(s[String(c.VersionId)]).toEqual(['AWSCURRENT']);
      expect(s[String(r.VersionId)]).toEqual(['AWSPENDING']);
      const again = await aws(['secretsmanager', 'rotate-secret', '--secret-id', name]);
      expect(again.status).toBe(254);
      expect(again.stderr).toContain("An error occurred (InvalidRequestException) when calling the RotateSecret operation: A previous rotation isn't complete. That rotation will be reattempted.");
    }, 60_000);
  }

  it('a function that times out fails the step with Lambda\'s message', async () => {
    const fn = await deploy('times-out', 'python3.11', { PAUSE_STEP: 'setSecret', PAUSE_SECONDS: '30' }, 1);
    await ok(['secretsmanager', 'create-secret', '--name', 'e2e/timeout', '--secret-string', '{"username":"u","password":"p"}']);
    await ok(['secretsmanager', 'rotate-secret', '--secret-id', 'e2e/timeout', '--rotation-lambda-arn', fn]);
    const h = await until(() => runs('e2e/timeout'), (x) => (x[0]?.Steps ?? []).some((s) => s.Step === 'setSecret' && s.Outcome === 'Failed'));
    expect(h[0]?.Steps.find((s) => s.Step === 'setSecret' && s.Outcome === 'Failed')?.Error).toMatch(/Task timed out after 1\.00 seconds/);
    // The marker is left, so the retry does not pause: the rotation completes on the second attempt.
    const done = await until(() => runs('e2e/timeout'), (x) => x[0]?.Status !== 'running');
    expect(done[0]?.Status).toBe('succeeded');
  }, 60_000);
});

describe('a server killed during a rotation resumes it after restart with the same VersionId', () => {
  for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
    it(`SIGKILL during ${step}`, async () => {
      const fn = await deploy(`pause-${step.toLowerCase()}`, 'python3.11', { PAUSE_STEP: step, PAUSE_SECONDS: '20' });
      const name = `e2e/kill-${step}`;
      await ok(['secretsmanager', 'create-secret', '--name', name, '--secret-string', '{"username":"k","password":"p"}']);
      const r = await ok(['secretsmanager', 'rotate-secret', '--secret-id', name, '--rotation-lambda-arn', fn]);
      const token = String(r.VersionId);
      const { existsSync } = await import('node:fs');
      await until(async () => existsSync(join(markers, step)), (v) => v);
      rotor = await rotor.restart('SIGKILL');
      const s = await until(() => stages(name), (x) => JSON.stringify(x[token]) === '["AWSCURRENT"]');
      expect(s[token]).toEqual(['AWSCURRENT']);
      const h = await runs(name);
      expect(h).toHaveLength(1);
      expect(h[0]).toMatchObject({ Status: 'succeeded', ClientRequestToken: token });
      rmSync(join(markers, step), { force: true });
    }, 90_000);
  }
});
