/**
 * The Lambda REST API subset through handleHttp, behind a tiny node:http server, driven by raw fetch
 * calls with JSON bodies as the CLI and SDKs send them. (The AWS CLI end-to-end suite runs against the
 * wired main server.)
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACCOUNT, REGION, ROLE, harness, isAlive, zipOf, type Harness } from '../../test/functions/support.js';

const BASE = '/2015-03-31/functions';
const ARN = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

let h: Harness;
let server: Server;
let url = '';

beforeAll(async () => {
  h = harness({ endpoint: () => url });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        if (await h.registry.handleCodeDownload(req, res)) return;
        const account = (req.headers['x-test-account'] as string | undefined) ?? ACCOUNT;
        await h.registry.handleHttp(req, res, Buffer.concat(chunks), {
          accountId: account,
          region: REGION,
          principalArn: `arn:aws:iam::${account}:root`,
        });
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await h.close();
});

interface Res {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json', ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const r = await fetch(`${url}${path}`, init);
  const text = await r.text();
  let json: Record<string, unknown> = {};
  try {
    json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    /* not JSON */
  }
  return { status: r.status, headers: r.headers, text, json };
}

const nodeZip = (source: string) => zipOf({ 'index.mjs': source });
const create = (name: string, extra: Record<string, unknown> = {}, source = 'export const handler = async (e) => ({ got: e, pid: process.pid, v: 1 });') =>
  call('POST', BASE, {
    FunctionName: name,
    Runtime: 'nodejs20.x',
    Role: ROLE,
    Handler: 'index.handler',
    Code: { ZipFile: nodeZip(source).toString('base64') },
    ...extra,
  });

function expectError(r: Res, status: number, code: string, message?: string | RegExp): void {
  expect(r.status).toBe(status);
  expect(r.headers.get('x-amzn-errortype')).toBe(code);
  expect(r.json.Type).toBe(status >= 500 ? 'Service' : 'User');
  expect(typeof r.json.message).toBe('string');
  if (typeof message === 'string') expect(r.json.message).toBe(message);
  else if (message) expect(r.json.message).toMatch(message);
}

describe('CreateFunction', () => {
  it('returns 201 and the FunctionConfiguration', async () => {
    const source = 'export const handler = async (e) => ({ got: e, pid: process.pid, v: 1 });';
    const r = await create('alpha', { Description: 'first', Environment: { Variables: { A1: '1' } } }, source);
    expect(r.status).toBe(201);
    expect(r.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(r.json).toMatchObject({
      FunctionName: 'alpha',
      FunctionArn: ARN('alpha'),
      Runtime: 'nodejs20.x',
      Role: ROLE,
      Handler: 'index.handler',
      Description: 'first',
      Timeout: 3,
      MemorySize: 128,
      Version: '$LATEST',
      State: 'Active',
      PackageType: 'Zip',
      Environment: { Variables: { A1: '1' } },
      CodeSize: nodeZip(source).length,
      CodeSha256: createHash('sha256').update(nodeZip(source)).digest('base64'),
    });
    expect(r.json.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(typeof r.json.RevisionId).toBe('string');
  });

  it('refuses a duplicate with 409 ResourceConflictException', async () => {
    await create('dup');
    expectError(await create('dup'), 409, 'ResourceConflictException', 'Function already exist: dup');
  });

  it.each([
    ['a bad name', { FunctionName: 'bad name!' }],
    ['a 65-character name', { FunctionName: 'x'.repeat(65) }],
    ['an unknown runtime', { Runtime: 'java21' }],
    ['a Timeout over 900', { Timeout: 901 }],
    ['a Timeout of 0', { Timeout: 0 }],
    ['a fractional MemorySize', { MemorySize: 128.5 }],
    ['a MemorySize below 128', { MemorySize: 64 }],
    ['a bad role', { Role: 'not-a-role' }],
    ['a reserved environment key', { Environment: { Variables: { AWS_REGION: 'x' } } }],
    ['a non-string variable', { Environment: { Variables: { AB: 1 } } }],
    ['a one-letter variable name (Lambda requires two)', { Environment: { Variables: { A: '1' } } }],
    ['an S3 code location', { Code: { S3Bucket: 'b', S3Key: 'k' } }],
    ['code that is not base64', { Code: { ZipFile: '!!!' } }],
    ['code that is not a zip', { Code: { ZipFile: Buffer.from('hello world').toString('base64') } }],
    ['a zip-slip entry', { Code: { ZipFile: zipOf({ '../../evil.js': 'x' }).toString('base64') } }],
    ['an absolute entry', { Code: { ZipFile: zipOf({ '/etc/evil.js': 'x' }).toString('base64') } }],
    ['a missing Role', { Role: undefined }],
    ['a missing Handler', { Handler: undefined }],
    ['a string Timeout', { Timeout: '3' }],
    ['an image package', { PackageType: 'Image' }],
  ])('rejects %s with a 400', async (_what, extra) => {
    const r = await create('invalid-fn', extra);
    expect(r.status).toBe(400);
    expect(['InvalidParameterValueException', 'InvalidRequestContentException']).toContain(r.headers.get('x-amzn-errortype'));
    expect(r.json.Type).toBe('User');
    expect((await call('GET', `${BASE}/invalid-fn`)).status).toBe(404);
  });

  it('rejects a malformed or non-object body with 400', async () => {
    expectError(await call('POST', BASE, '{not json'), 400, 'InvalidRequestContentException');
    expectError(await call('POST', BASE, '[1,2]'), 400, 'InvalidRequestContentException');
    expectError(await call('POST', BASE, 'null'), 400, 'InvalidRequestContentException');
  });
});

describe('reading functions', () => {
  it('GetFunction by name, full ARN and partial ARN, with a downloadable Code.Location', async () => {
    await create('reader');
    for (const id of ['reader', ARN('reader'), `${ACCOUNT}:function:reader`]) {
      const r = await call('GET', `${BASE}/${encodeURIComponent(id)}`);
      expect(r.status).toBe(200);
      expect((r.json.Configuration as Record<string, unknown>).FunctionArn).toBe(ARN('reader'));
      expect(r.json.Code).toMatchObject({ RepositoryType: 'S3' });
    }
    const r = await call('GET', `${BASE}/reader`);
    const location = (r.json.Code as { Location: string }).Location;
    expect(location.startsWith(url)).toBe(true);
    const zip = Buffer.from(await (await fetch(location)).arrayBuffer());
    expect(createHash('sha256').update(zip).digest('base64')).toBe((r.json.Configuration as Record<string, unknown>).CodeSha256);
    expect((await fetch(`${location.slice(0, -3)}xyz`)).status).toBe(403);
  });

  it('GetFunctionConfiguration', async () => {
    await create('configured', { Timeout: 30, MemorySize: 512 });
    const r = await call('GET', `${BASE}/configured/configuration`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ FunctionName: 'configured', Timeout: 30, MemorySize: 512 });
  });

  it('answers 404 with Lambda’s message for an unknown function, and for a version qualifier', async () => {
    expectError(await call('GET', `${BASE}/nope`), 404, 'ResourceNotFoundException', `Function not found: ${ARN('nope')}`);
    expectError(await call('GET', `${BASE}/nope/configuration`), 404, 'ResourceNotFoundException');
    await create('qualified');
    expect((await call('GET', `${BASE}/qualified?Qualifier=%24LATEST`)).status).toBe(200);
    expectError(await call('GET', `${BASE}/qualified?Qualifier=3`), 404, 'ResourceNotFoundException', `Function not found: ${ARN('qualified')}:3`);
  });

  it('rejects an ARN of another Region and a malformed identifier', async () => {
    expectError(await call('GET', `${BASE}/${encodeURIComponent('arn:aws:lambda:eu-west-1:123456789012:function:x')}`), 400, 'InvalidParameterValueException');
    expectError(await call('GET', `${BASE}/${encodeURIComponent('a b')}`), 400, 'InvalidParameterValueException');
    expectError(await call('GET', `${BASE}/%E0%A4%A`), 400, 'InvalidParameterValueException');
  });

  it('ListFunctions with MaxItems and Marker; functions are per account', async () => {
    const all = await call('GET', `${BASE}/`);
    expect(all.status).toBe(200);
    const names = (all.json.Functions as { FunctionName: string }[]).map((f) => f.FunctionName);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('alpha');
    const first = await call('GET', `${BASE}/?MaxItems=1`);
    expect((first.json.Functions as unknown[]).length).toBe(1);
    expect(typeof first.json.NextMarker).toBe('string');
    const second = await call('GET', `${BASE}/?MaxItems=1&Marker=${encodeURIComponent(String(first.json.NextMarker))}`);
    expect((second.json.Functions as { FunctionName: string }[])[0]?.FunctionName).toBe(names[1]);
    expectError(await call('GET', `${BASE}/?MaxItems=0`), 400, 'InvalidParameterValueException');
    const other = await call('GET', `${BASE}/`, undefined, { 'x-test-account': '999999999999' });
    expect(other.json.Functions).toEqual([]);
    expect((await call('GET', `${BASE}/alpha`, undefined, { 'x-test-account': '999999999999' })).status).toBe(404);
    expect((await h.registry.list({ accountId: ACCOUNT, region: REGION })).map((f) => f.FunctionName)).toEqual(names);
  });

  it('answers an unknown route with 404 UnknownOperationException', async () => {
    expectError(await call('PATCH', `${BASE}/alpha`), 404, 'UnknownOperationException');
    expectError(await call('GET', `${BASE}/alpha/aliases/x/y`), 404, 'UnknownOperationException');
    expectError(await call('GET', '/2015-03-31/other'), 404, 'UnknownOperationException');
  });
});

describe('Invoke', () => {
  it('RequestResponse returns the payload; Tail returns the last 4 KB of the log', async () => {
    await create('inv', {}, 'export const handler = async (e) => { console.log("logged", e.k); return { echo: e }; };');
    const r = await call('POST', `${BASE}/inv/invocations`, { k: 'v1' }, { 'X-Amz-Log-Type': 'Tail' });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-amz-function-error')).toBeNull();
    expect(r.headers.get('x-amz-executed-version')).toBe('$LATEST');
    expect(r.json).toEqual({ echo: { k: 'v1' } });
    const log = Buffer.from(r.headers.get('x-amz-log-result') ?? '', 'base64').toString('utf8');
    expect(log).toMatch(/^START RequestId: [0-9a-f-]{36} Version: \$LATEST\n/);
    expect(log).toContain('logged v1');
    expect(log).toMatch(/END RequestId: [0-9a-f-]{36}\nREPORT RequestId: [0-9a-f-]{36}\tDuration: /);
    const none = await call('POST', `${BASE}/inv/invocations`, { k: 'v2' });
    expect(none.headers.get('x-amz-log-result')).toBeNull();
  });

  it('caps X-Amz-Log-Result at 4 KB', async () => {
    await create('noisy', {}, 'export const handler = async () => { for (let i = 0; i < 500; i++) console.log("line " + i + " " + "x".repeat(40)); return 1; };');
    const r = await call('POST', `${BASE}/noisy/invocations`, {}, { 'X-Amz-Log-Type': 'Tail' });
    const log = Buffer.from(r.headers.get('x-amz-log-result') ?? '', 'base64');
    expect(log.length).toBeLessThanOrEqual(4096);
    expect(log.toString()).toContain('line 499');
    expect(log.toString()).toContain('REPORT RequestId');
  });

  it('an empty body invokes with {}', async () => {
    await create('empty-event', {}, 'export const handler = async (e) => e;');
    const r = await call('POST', `${BASE}/empty-event/invocations`);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({});
  });

  it('a function error is a 200 with X-Amz-Function-Error: Unhandled and Lambda’s error body', async () => {
    await create('failing', {}, 'export const handler = async () => { throw new Error("it broke"); };');
    const r = await call('POST', `${BASE}/failing/invocations`, {});
    expect(r.status).toBe(200);
    expect(r.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(Object.keys(r.json)).toEqual(['errorMessage', 'errorType', 'stackTrace']);
    expect(r.json).toMatchObject({ errorMessage: 'it broke', errorType: 'Error' });
  });

  it('Event returns 202 and runs in the background; DryRun returns 204', async () => {
    await create(
      'async-fn',
      {},
      `import fs from 'node:fs';
       let n = 0;
       export const handler = async (e) => { n++; if (e.marker) fs.writeFileSync(e.marker, String(n)); return { n, e }; };`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'rotor-event-'));
    const marker = join(dir, 'ran');
    try {
      const ev = await call('POST', `${BASE}/async-fn/invocations`, { a: 1, marker }, { 'X-Amz-Invocation-Type': 'Event' });
      expect(ev.status).toBe(202);
      expect(ev.text).toBe('');
      const dry = await call('POST', `${BASE}/async-fn/invocations`, { a: 1 }, { 'X-Amz-Invocation-Type': 'DryRun' });
      expect(dry.status).toBe(204);
      // The Event invocation runs in the background; once it is done, the next one uses the same warm worker.
      // (The marker is written just before the worker reports back: an invocation arriving in between
      // gets a second worker (n = 1); the next one then goes to the first, warm, worker again.)
      await vi.waitFor(() => expect(existsSync(marker)).toBe(true), { timeout: 10_000, interval: 20 });
      await vi.waitFor(
        async () => expect((await call('POST', `${BASE}/async-fn/invocations`, { a: 2 })).json).toEqual({ n: 2, e: { a: 2 } }),
        { timeout: 10_000, interval: 20 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad invocation parameters with 400 and unknown functions with 404', async () => {
    expectError(await call('POST', `${BASE}/inv/invocations`, '{oops'), 400, 'InvalidRequestContentException');
    expectError(await call('POST', `${BASE}/inv/invocations`, {}, { 'X-Amz-Invocation-Type': 'Later' }), 400, 'InvalidParameterValueException');
    expectError(await call('POST', `${BASE}/inv/invocations`, {}, { 'X-Amz-Log-Type': 'All' }), 400, 'InvalidParameterValueException');
    expectError(await call('POST', `${BASE}/ghost/invocations`, {}), 404, 'ResourceNotFoundException', `Function not found: ${ARN('ghost')}`);
  });
});

describe('updates and deletion', () => {
  it('UpdateFunctionConfiguration changes settings and replaces the worker', async () => {
    await create('cfg', { Environment: { Variables: { MODE: 'a' } } }, 'export const handler = async () => ({ mode: process.env.MODE, pid: process.pid });');
    const before = (await call('POST', `${BASE}/cfg/invocations`, {})).json;
    expect(before.mode).toBe('a');
    const u = await call('PUT', `${BASE}/cfg/configuration`, { Environment: { Variables: { MODE: 'b' } }, Timeout: 10, Description: 'changed' });
    expect(u.status).toBe(200);
    expect(u.json).toMatchObject({ Timeout: 10, Description: 'changed', Environment: { Variables: { MODE: 'b' } } });
    const after = (await call('POST', `${BASE}/cfg/invocations`, {})).json;
    expect(after.mode).toBe('b');
    expect(after.pid).not.toBe(before.pid);
    await new Promise((r) => setTimeout(r, 200));
    expect(isAlive(before.pid as number)).toBe(false);
    expectError(await call('PUT', `${BASE}/cfg/configuration`, { Timeout: 1000 }), 400, 'InvalidParameterValueException');
    expectError(await call('PUT', `${BASE}/cfg/configuration`, { Runtime: 'go1.x' }), 400, 'InvalidParameterValueException');
    expectError(await call('PUT', `${BASE}/cfg/configuration`, { RevisionId: 'stale' }), 412, 'PreconditionFailedException');
  });

  it('UpdateFunctionCode runs the new code', async () => {
    await create('code', {}, 'export const handler = async () => "old";');
    expect((await call('POST', `${BASE}/code/invocations`, {})).text).toBe('"old"');
    const zip = nodeZip('export const handler = async () => "new";');
    const u = await call('PUT', `${BASE}/code/code`, { ZipFile: zip.toString('base64') });
    expect(u.status).toBe(200);
    expect(u.json.CodeSha256).toBe(createHash('sha256').update(zip).digest('base64'));
    expect((await call('POST', `${BASE}/code/invocations`, {})).text).toBe('"new"');
    expectError(await call('PUT', `${BASE}/code/code`, { ZipFile: 'AAAA' }), 400, 'InvalidParameterValueException');
    expectError(await call('PUT', `${BASE}/nope/code`, { ZipFile: zip.toString('base64') }), 404, 'ResourceNotFoundException');
  });

  it('DeleteFunction returns 204, stops the worker, and the function is gone', async () => {
    await create('doomed');
    const pid = (await call('POST', `${BASE}/doomed/invocations`, {})).json.pid as number;
    expect(isAlive(pid)).toBe(true);
    const d = await call('DELETE', `${BASE}/doomed`);
    expect(d.status).toBe(204);
    expect(d.text).toBe('');
    await new Promise((r) => setTimeout(r, 200));
    expect(isAlive(pid)).toBe(false);
    expect((await call('GET', `${BASE}/doomed`)).status).toBe(404);
    expectError(await call('DELETE', `${BASE}/doomed`), 404, 'ResourceNotFoundException');
  });
});

describe('resource policy', () => {
  it('AddPermission, GetPolicy, RemovePermission', async () => {
    await create('guarded');
    expectError(await call('GET', `${BASE}/guarded/policy`), 404, 'ResourceNotFoundException');
    const add = await call('POST', `${BASE}/guarded/policy`, {
      StatementId: 'SecretsManagerAccess',
      Action: 'lambda:InvokeFunction',
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: ACCOUNT,
    });
    expect(add.status).toBe(201);
    const statement = JSON.parse(String(add.json.Statement)) as Record<string, unknown>;
    expect(statement).toEqual({
      Sid: 'SecretsManagerAccess',
      Effect: 'Allow',
      Principal: { Service: 'secretsmanager.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: ARN('guarded'),
      Condition: { StringEquals: { 'AWS:SourceAccount': ACCOUNT } },
    });
    expect(await h.registry.canSecretsManagerInvoke({ accountId: ACCOUNT, region: REGION }, ARN('guarded'))).toBe(true);

    expectError(
      await call('POST', `${BASE}/guarded/policy`, { StatementId: 'SecretsManagerAccess', Action: 'lambda:InvokeFunction', Principal: 'secretsmanager.amazonaws.com' }),
      409,
      'ResourceConflictException',
    );
    expectError(await call('POST', `${BASE}/guarded/policy`, { StatementId: 'x', Action: 'iam:PassRole', Principal: 's3.amazonaws.com' }), 400, 'InvalidParameterValueException');
    expectError(await call('POST', `${BASE}/guarded/policy`, { StatementId: 'bad sid', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' }), 400, 'InvalidParameterValueException');
    expectError(await call('POST', `${BASE}/guarded/policy`, { StatementId: 'y', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceAccount: '12' }), 400, 'InvalidParameterValueException');

    const get = await call('GET', `${BASE}/${encodeURIComponent(ARN('guarded'))}/policy`);
    expect(get.status).toBe(200);
    const doc = JSON.parse(String(get.json.Policy)) as { Version: string; Statement: unknown[] };
    expect(doc.Version).toBe('2012-10-17');
    expect(doc.Statement).toEqual([statement]);
    expect(typeof get.json.RevisionId).toBe('string');

    expect((await call('DELETE', `${BASE}/guarded/policy/SecretsManagerAccess`)).status).toBe(204);
    expect(await h.registry.canSecretsManagerInvoke({ accountId: ACCOUNT, region: REGION }, ARN('guarded'))).toBe(false);
    expectError(await call('DELETE', `${BASE}/guarded/policy/SecretsManagerAccess`), 404, 'ResourceNotFoundException');
    expectError(await call('GET', `${BASE}/guarded/policy`), 404, 'ResourceNotFoundException');
  });
});
