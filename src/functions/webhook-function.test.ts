/**
 * Webhook functions (Runtime rotor.webhook1) end to end on loopback: created through the Lambda REST API
 * (handleHttp) and registry.createFunction, listed, invoked by the rotation engine's path
 * (registry.invoke) and the Lambda Invoke API, against a real receiver that verifies the signature.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, REGION, ROLE, SCOPE, harness, zipOf, type Harness } from '../../test/functions/support.js';
import { MAX_WEBHOOK_PAYLOAD_BYTES } from './webhook-invoker.js';
import { verifyWebhook } from './webhook-signature.js';

const BASE = '/2015-03-31/functions';
const ARN = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const SECRET = 'whsec-test-0123456789abcdef';
const SECRETS_MANAGER = 'secretsmanager.amazonaws.com';

interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let h: Harness;
let lambda: Server;
let receiver: Server;
let lambdaUrl = '';
let hookBase = '';
let closedPortUrl = '';
const deliveries: Delivery[] = [];
const held: ServerResponse[] = [];

function listen(s: Server): Promise<string> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
}

function stop(s: Server): Promise<void> {
  s.closeAllConnections();
  return new Promise((resolve) => s.close(() => resolve()));
}

beforeAll(async () => {
  h = harness({ endpoint: () => lambdaUrl });
  lambda = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void h.registry.handleHttp(req, res, Buffer.concat(chunks), {
        accountId: ACCOUNT,
        region: REGION,
        principalArn: `arn:aws:iam::${ACCOUNT}:root`,
      });
    });
  });
  lambdaUrl = await listen(lambda);

  // The receiver a team would run: it verifies every delivery before acting on it.
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      deliveries.push({ path, headers: req.headers, body });
      if (!verifyWebhook(SECRET, body, req.headers['x-rotor-signature'], Math.floor(Date.now() / 1000))) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('bad signature');
        return;
      }
      const step = (JSON.parse(body) as { Step?: string }).Step;
      if (path === '/ok') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ handled: step }));
      else if (path === '/text') res.writeHead(200, { 'content-type': 'text/plain' }).end('all good');
      else if (path === '/empty') res.writeHead(204).end();
      else if (path === '/fail') res.writeHead(500, { 'content-type': 'text/plain' }).end(`could not ${step}: database said no`);
      else if (path === '/redirect') res.writeHead(302, { location: '/ok' }).end();
      else if (path === '/big') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ pad: 'x'.repeat(300 * 1024) }));
      else if (path === '/slow') held.push(res); // never answers: the function's Timeout must end it
      else res.writeHead(404).end();
    });
  });
  hookBase = await listen(receiver);

  const closed = createServer();
  closedPortUrl = `${await listen(closed)}/hook`;
  await stop(closed);
});

afterAll(async () => {
  for (const r of held) r.destroy();
  await stop(receiver);
  await stop(lambda);
  await h.close();
});

interface Res {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
  text: string;
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json', ...headers }, signal: AbortSignal.timeout(10_000) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const r = await fetch(`${lambdaUrl}${path}`, init);
  const text = await r.text();
  let json: Record<string, unknown> = {};
  try {
    json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    /* not JSON */
  }
  return { status: r.status, headers: r.headers, json, text };
}

function webhookRequest(name: string, url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    FunctionName: name,
    Runtime: 'rotor.webhook1',
    Role: ROLE,
    Environment: { Variables: { ROTOR_WEBHOOK_URL: url, ROTOR_WEBHOOK_SECRET: SECRET } },
    ...extra,
  };
}

const event = (step: string) => ({
  Step: step,
  SecretId: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:prod/db-AbCdEf`,
  ClientRequestToken: '0d6f3c52-3d7c-4e8c-9a55-6a0f6d3f6a11',
  RotationToken: 'opaque-rotation-token',
});

function expectNoSecret(...texts: (string | undefined)[]): void {
  for (const t of texts) expect(t ?? '').not.toContain(SECRET);
}

describe('creating webhook functions', () => {
  it('CreateFunction over the Lambda API with Code {} (as the AWS CLI sends it) and no Handler', async () => {
    const r = await call('POST', BASE, webhookRequest('hook-ok', `${hookBase}/ok`, { Code: {}, Timeout: 5 }));
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ FunctionName: 'hook-ok', FunctionArn: ARN('hook-ok'), Runtime: 'rotor.webhook1', CodeSize: 0, Timeout: 5 });
    expect(r.json).not.toHaveProperty('Handler');

    const got = await call('GET', `${BASE}/hook-ok`);
    expect(got.status).toBe(200);
    expect(got.json).not.toHaveProperty('Code');
  }, 10_000);

  it('registry.createFunction without Code at all; ListFunctions shows the Runtime', async () => {
    for (const [name, path] of [['hook-fail', '/fail'], ['hook-text', '/text'], ['hook-empty', '/empty'], ['hook-redirect', '/redirect'], ['hook-big', '/big']] as const) {
      const c = await h.registry.createFunction(SCOPE, webhookRequest(name, `${hookBase}${path}`));
      expect(c.Runtime).toBe('rotor.webhook1');
    }
    await h.registry.createFunction(SCOPE, webhookRequest('hook-slow', `${hookBase}/slow`, { Timeout: 1 }));
    await h.registry.createFunction(SCOPE, webhookRequest('hook-refused', closedPortUrl));

    const listed = await call('GET', BASE);
    const fns = listed.json.Functions as { FunctionName: string; Runtime: string }[];
    const runtimes = Object.fromEntries(fns.map((f) => [f.FunctionName, f.Runtime]));
    expect(runtimes).toMatchObject({ 'hook-ok': 'rotor.webhook1', 'hook-fail': 'rotor.webhook1', 'hook-slow': 'rotor.webhook1' });
    expect((await h.registry.list(SCOPE)).find((f) => f.FunctionName === 'hook-refused')?.Runtime).toBe('rotor.webhook1');
  });

  it('rejects a missing or short secret, a missing or non-http URL, credentials in the URL, and code', async () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ ROTOR_WEBHOOK_URL: `${hookBase}/ok` }, /ROTOR_WEBHOOK_SECRET.*at least 16 characters/],
      [{ ROTOR_WEBHOOK_URL: `${hookBase}/ok`, ROTOR_WEBHOOK_SECRET: 'short-secret' }, /ROTOR_WEBHOOK_SECRET.*at least 16/],
      [{ ROTOR_WEBHOOK_SECRET: SECRET }, /ROTOR_WEBHOOK_URL/],
      [{ ROTOR_WEBHOOK_URL: 'ftp://127.0.0.1/x', ROTOR_WEBHOOK_SECRET: SECRET }, /http:\/\/ or https:\/\//],
      [{ ROTOR_WEBHOOK_URL: 'file:///etc/passwd', ROTOR_WEBHOOK_SECRET: SECRET }, /http:\/\/ or https:\/\//],
      [{ ROTOR_WEBHOOK_URL: 'not a url', ROTOR_WEBHOOK_SECRET: SECRET }, /not a valid absolute URL/],
      [{ ROTOR_WEBHOOK_URL: 'http://user:pw@127.0.0.1/x', ROTOR_WEBHOOK_SECRET: SECRET }, /user name or password/],
    ];
    for (const [vars, message] of bad) {
      const r = await call('POST', BASE, { FunctionName: 'hook-bad', Runtime: 'rotor.webhook1', Role: ROLE, Code: {}, Environment: { Variables: vars } });
      expect(r.status).toBe(400);
      expect(r.headers.get('x-amzn-errortype')).toBe('InvalidParameterValueException');
      expect(r.json).toMatchObject({ Type: 'User' });
      expect(String(r.json.message)).toMatch(message);
      expect(r.text).not.toContain('short-secret');
    }
    const noEnv = await call('POST', BASE, { FunctionName: 'hook-bad', Runtime: 'rotor.webhook1', Role: ROLE });
    expect(noEnv.status).toBe(400);
    expect(noEnv.headers.get('x-amzn-errortype')).toBe('InvalidParameterValueException');

    const withCode = await call('POST', BASE, webhookRequest('hook-bad', `${hookBase}/ok`, { Code: { ZipFile: zipOf({ 'a.js': '' }).toString('base64') } }));
    expect(withCode.status).toBe(400);
    expect(String(withCode.json.message)).toMatch(/have no code/);
    await expect(h.registry.createFunction(SCOPE, webhookRequest('hook-bad', 'gopher://x/'))).rejects.toMatchObject({
      code: 'InvalidParameterValueException',
    });
    expect((await call('GET', `${BASE}/hook-bad`)).status).toBe(404);
  }, 10_000);

  it('keeps the configuration valid on update; has no code to update; cannot switch to a code runtime', async () => {
    const dropSecret = await call('PUT', `${BASE}/hook-text/configuration`, { Environment: { Variables: { ROTOR_WEBHOOK_URL: `${hookBase}/text` } } });
    expect(dropSecret.status).toBe(400);
    expect(dropSecret.headers.get('x-amzn-errortype')).toBe('InvalidParameterValueException');
    const toNode = await call('PUT', `${BASE}/hook-text/configuration`, { Runtime: 'nodejs20.x', Handler: 'index.handler' });
    expect(toNode.status).toBe(400);
    const code = await call('PUT', `${BASE}/hook-text/code`, { ZipFile: zipOf({ 'index.mjs': 'export const handler = () => 1;' }).toString('base64') });
    expect(code.status).toBe(400);
    expect(String(code.json.message)).toMatch(/have no code/);
    const ok = await call('PUT', `${BASE}/hook-text/configuration`, { Description: 'plain text receiver', Timeout: 4 });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ Runtime: 'rotor.webhook1', Description: 'plain text receiver', Timeout: 4 });
  }, 10_000);
});

describe('invoking webhook functions', () => {
  it('POSTs the Lambda event, signed; a 2xx answer is success and its body the payload', async () => {
    const before = deliveries.length;
    const ev = event('createSecret');
    const r = await h.registry.invoke(SCOPE, ARN('hook-ok'), ev);
    expect(r).toMatchObject({ ok: true, payload: JSON.stringify({ handled: 'createSecret' }) });
    expect(r.errorMessage).toBeUndefined();
    expect(r.logs).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/ok → 200 in \d+ ms, delivery [0-9a-f-]{36}\n$/);

    expect(deliveries.length).toBe(before + 1);
    const d = deliveries[deliveries.length - 1] as Delivery;
    expect(d.body).toBe(JSON.stringify(ev));
    expect(Object.keys(JSON.parse(d.body) as object)).toEqual(['Step', 'SecretId', 'ClientRequestToken', 'RotationToken']);
    expect(d.headers['content-type']).toBe('application/json');
    expect(d.headers['user-agent']).toBe('rotor-webhook/1');
    expect(d.headers['x-rotor-function-arn']).toBe(ARN('hook-ok'));
    expect(d.headers['x-rotor-delivery-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r.logs).toContain(String(d.headers['x-rotor-delivery-id']));
    const sig = String(d.headers['x-rotor-signature']);
    expect(sig).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const now = Math.floor(Date.now() / 1000);
    expect(verifyWebhook(SECRET, d.body, sig, now)).toBe(true);
    expect(verifyWebhook(SECRET, d.body.replace('createSecret', 'finishSecret'), sig, now)).toBe(false);
    expect(verifyWebhook(SECRET, d.body, sig, now + 3600)).toBe(false);
    expectNoSecret(r.logs, r.payload, JSON.stringify(d.headers));
  }, 10_000);

  it('keeps a non-JSON 2xx body as a JSON string and an empty one as null', async () => {
    expect(await h.registry.invoke(SCOPE, ARN('hook-text'), event('testSecret'))).toMatchObject({ ok: true, payload: '"all good"' });
    const empty = await h.registry.invoke(SCOPE, 'hook-empty', event('testSecret'));
    expect(empty).toMatchObject({ ok: true, payload: 'null' });
    expect(empty.logs).toMatch(/→ 204 in /);
  }, 10_000);

  it('caps a large 2xx body (still a success)', async () => {
    const r = await h.registry.invoke(SCOPE, ARN('hook-big'), event('testSecret'));
    expect(r.ok).toBe(true);
    const kept = JSON.parse(r.payload) as string;
    expect(typeof kept).toBe('string');
    expect(Buffer.byteLength(kept)).toBe(MAX_WEBHOOK_PAYLOAD_BYTES);
    expect(kept.startsWith('{"pad":"xxx')).toBe(true);
    expect(r.logs).toMatch(/→ 200 in \d+ ms \(response cut to 262144 bytes\)/);
  }, 10_000);

  it('a non-2xx answer is a failure naming the status (and what the receiver said)', async () => {
    const r = await h.registry.invoke(SCOPE, ARN('hook-fail'), event('setSecret'));
    expect(r.ok).toBe(false);
    expect(r.functionError).toBe('Unhandled');
    expect(r.errorMessage).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/fail answered HTTP 500 Internal Server Error: could not setSecret: database said no$/);
    expect(JSON.parse(r.payload)).toMatchObject({ errorType: 'Rotor.WebhookHttpError', errorMessage: r.errorMessage });
    expect(r.logs).toMatch(/→ 500 in \d+ ms/);
    expectNoSecret(r.logs, r.payload, r.errorMessage);
  }, 10_000);

  it('does not follow redirects', async () => {
    const before = deliveries.length;
    const r = await h.registry.invoke(SCOPE, ARN('hook-redirect'), event('createSecret'));
    expect(r.ok).toBe(false);
    expect(r.errorMessage).toMatch(/HTTP 302 Found \(redirects are not followed\)/);
    expect(deliveries.slice(before).map((d) => d.path)).toEqual(['/redirect']);
  }, 10_000);

  it("ends at the function's Timeout", async () => {
    const t0 = Date.now();
    const r = await h.registry.invoke(SCOPE, ARN('hook-slow'), event('setSecret'));
    const took = Date.now() - t0;
    expect(r.ok).toBe(false);
    expect(r.errorMessage).toMatch(/^Task timed out after 1\.00 seconds: POST http:\/\/127\.0\.0\.1:\d+\/slow did not answer in time$/);
    expect(JSON.parse(r.payload)).toMatchObject({ errorType: 'Sandbox.Timedout' });
    expect(r.logs).toMatch(/→ timed out after \d+ ms/);
    expect(took).toBeGreaterThanOrEqual(950);
    expect(took).toBeLessThan(4000);
  }, 10_000);

  it('a refused connection is a failure naming the error', async () => {
    const r = await h.registry.invoke(SCOPE, ARN('hook-refused'), event('createSecret'));
    expect(r.ok).toBe(false);
    expect(r.errorMessage).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/hook failed: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    expect(JSON.parse(r.payload)).toMatchObject({ errorType: 'Rotor.WebhookRequestFailed' });
    expect(r.logs).toMatch(/→ connect ECONNREFUSED .* after \d+ ms/);
    expectNoSecret(r.logs, r.payload, r.errorMessage);
  }, 10_000);

  it('the Lambda Invoke API takes the same path', async () => {
    const ok = await call('POST', `${BASE}/hook-ok/invocations`, event('finishSecret'), { 'x-amz-log-type': 'Tail' });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ handled: 'finishSecret' });
    expect(ok.headers.get('x-amz-function-error')).toBeNull();
    const log = Buffer.from(ok.headers.get('x-amz-log-result') ?? '', 'base64').toString('utf8');
    expect(log).toMatch(/START RequestId: ([0-9a-f-]{36}) Version: \$LATEST\nPOST http:\/\/127\.0\.0\.1:\d+\/ok → 200 in \d+ ms, delivery \1\nEND RequestId: \1\n/);

    const failed = await call('POST', `${BASE}/hook-fail/invocations`, event('setSecret'));
    expect(failed.status).toBe(200);
    expect(failed.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(failed.json).toMatchObject({ errorType: 'Rotor.WebhookHttpError' });
  }, 10_000);

  it('close() ends deliveries in flight at once', async () => {
    const other = harness();
    try {
      await other.registry.createFunction(SCOPE, webhookRequest('hook-slow', `${hookBase}/slow`, { Timeout: 60 }));
      const t0 = Date.now();
      const pending = other.registry.invoke(SCOPE, ARN('hook-slow'), event('setSecret'));
      await new Promise((r) => setTimeout(r, 100));
      await other.registry.close();
      const r = await pending;
      expect(r).toMatchObject({ ok: false, errorMessage: 'Rotor is shutting down' });
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(await other.registry.invoke(SCOPE, ARN('hook-slow'), event('setSecret'))).toMatchObject({ ok: false });
    } finally {
      await other.store.close();
    }
  }, 10_000);

  it('Secrets Manager may invoke it only once the resource policy allows it', async () => {
    expect(await h.registry.canSecretsManagerInvoke(SCOPE, ARN('hook-ok'))).toBe(false);
    await h.registry.addPermission(SCOPE, 'hook-ok', {
      StatementId: 'secrets-manager',
      Action: 'lambda:InvokeFunction',
      Principal: SECRETS_MANAGER,
    });
    expect(await h.registry.canSecretsManagerInvoke(SCOPE, ARN('hook-ok'))).toBe(true);
  });
});
