/**
 * The registry with real worker processes: unmodified Node (ESM, CommonJS, callback) and Python handlers
 * run in warm workers, failures and timeouts come back as Lambda reports them, logs are captured per
 * invocation, the environment is Lambda's (and not Rotor's), and the resource-policy check.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, ENDPOINT, REGION, SCOPE, createRequest, harness, isAlive, type Harness } from '../../test/functions/support.js';

const ARN = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

let h: Harness;
const savedEnv = { secret: process.env.AWS_SECRET_ACCESS_KEY, rotor: process.env.ROTOR_MASTER_KEY };

beforeAll(async () => {
  // Rotor's own environment must not reach functions.
  process.env.AWS_SECRET_ACCESS_KEY = 'parent-secret-must-not-leak';
  process.env.ROTOR_MASTER_KEY = 'parent-rotor-variable';
  h = harness();
  const r = h.registry;
  await r.createFunction(
    SCOPE,
    createRequest('esm', 'nodejs20.x', 'index.handler', {
      'index.mjs': `
        import os from 'node:os';
        export const handler = async (event, context) => {
          console.log('esm got', JSON.stringify(event));
          return { pid: process.pid, event, requestId: context.awsRequestId, fn: context.functionName,
            remaining: context.getRemainingTimeInMillis(), arn: context.invokedFunctionArn,
            memory: context.memoryLimitInMB, host: typeof os.hostname() };
        };`,
    }),
  );
  await r.createFunction(
    SCOPE,
    createRequest('cjs', 'nodejs18.x', 'app/main.handler', {
      'app/main.js': `
        const path = require('node:path');
        exports.handler = async (event) => ({ kind: 'cjs', base: path.basename(__filename), x: event.x });`,
    }),
  );
  await r.createFunction(
    SCOPE,
    createRequest('callback', 'nodejs22.x', 'index.handler', {
      'index.js': `
        module.exports.handler = function (event, context, callback) {
          setTimeout(() => {
            if (event.fail) callback(new TypeError('callback failure'));
            else callback(null, { viaCallback: event.x * 2 });
          }, 20);
        };`,
    }),
  );
  await r.createFunction(
    SCOPE,
    createRequest('thrower', 'nodejs20.x', 'index.handler', {
      'index.mjs': `export const handler = async (event) => { console.error('about to fail'); throw new RangeError('bad input ' + event.n); };`,
    }),
  );
  await r.createFunction(
    SCOPE,
    createRequest(
      'sleepy',
      'nodejs20.x',
      'index.handler',
      {
        'index.mjs': `
          export const handler = async (event) => {
            if (event.loop) { for (;;) {} }
            if (event.crash) { process.exit(3); }
            if (event.sleep) await new Promise((r) => setTimeout(r, event.sleep));
            return { pid: process.pid, start: event.start ?? null, at: Date.now() };
          };`,
      },
      { Timeout: 1 },
    ),
  );
  await r.createFunction(
    SCOPE,
    createRequest(
      'envdump',
      'nodejs20.x',
      'index.handler',
      { 'index.mjs': `export const handler = async () => ({ ...process.env });` },
      { Environment: { Variables: { MY_SETTING: 'on', EXCLUDE_CHARACTERS: '/@"' } }, MemorySize: 256 },
    ),
  );
  await r.createFunction(
    SCOPE,
    createRequest('py', 'python3.12', 'lambda_function.lambda_handler', {
      'lambda_function.py': [
        'import json, logging, os',
        'logger = logging.getLogger()',
        'logger.setLevel(logging.INFO)',
        'def lambda_handler(event, context):',
        '    print("python got", json.dumps(event))',
        '    logger.info("step %s", event.get("Step"))',
        '    if event.get("fail"):',
        '        raise ValueError("Secret is not enabled for rotation")',
        '    return {"pid": os.getpid(), "event": event, "requestId": context.aws_request_id,',
        '            "fn": context.function_name, "remaining": context.get_remaining_time_in_millis(),',
        '            "region": os.environ["AWS_DEFAULT_REGION"], "endpoint": os.environ["SECRETS_MANAGER_ENDPOINT"],',
        '            "key": os.environ["AWS_ACCESS_KEY_ID"], "cwd": os.getcwd()}',
        '',
      ].join('\n'),
    }),
  );
});

afterAll(async () => {
  await h.close();
  if (savedEnv.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
  else process.env.AWS_SECRET_ACCESS_KEY = savedEnv.secret;
  if (savedEnv.rotor === undefined) delete process.env.ROTOR_MASTER_KEY;
  else process.env.ROTOR_MASTER_KEY = savedEnv.rotor;
});

const parse = (payload: string) => JSON.parse(payload) as Record<string, unknown>;

describe('Node handlers', () => {
  it('runs an ESM handler (export const handler) with a Lambda-like context', async () => {
    const r = await h.registry.invoke(SCOPE, ARN('esm'), { Step: 'createSecret', n: 1 });
    expect(r.ok).toBe(true);
    expect(r.functionError).toBeUndefined();
    const p = parse(r.payload);
    expect(p.event).toEqual({ Step: 'createSecret', n: 1 });
    expect(p.fn).toBe('esm');
    expect(p.arn).toBe(ARN('esm'));
    expect(p.memory).toBe('128');
    expect(typeof p.requestId).toBe('string');
    expect(p.remaining).toBeGreaterThan(0);
    expect(p.remaining).toBeLessThanOrEqual(3000);
    expect(r.logs).toContain('esm got {"Step":"createSecret","n":1}');
    expect(r.logs).toContain(`${String(p.requestId)}\tINFO\t`);
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps the worker warm: the same process serves the next invocation', async () => {
    const a = parse((await h.registry.invoke(SCOPE, 'esm', { i: 1 })).payload);
    const b = parse((await h.registry.invoke(SCOPE, `${ACCOUNT}:function:esm`, { i: 2 })).payload);
    expect(a.pid).toBe(b.pid);
    expect(a.pid).not.toBe(process.pid);
    expect(h.registry.workerPid(SCOPE, 'esm')).toBe(a.pid);
  });

  it('captures logs per invocation', async () => {
    const a = await h.registry.invoke(SCOPE, 'esm', { marker: 'first-call' });
    const b = await h.registry.invoke(SCOPE, 'esm', { marker: 'second-call' });
    expect(a.logs).toContain('first-call');
    expect(a.logs).not.toContain('second-call');
    expect(b.logs).toContain('second-call');
    expect(b.logs).not.toContain('first-call');
    expect(a.logs).not.toContain('rotor-end');
  });

  it('runs a CommonJS handler (exports.handler in a .js file, in a subdirectory)', async () => {
    const r = await h.registry.invoke(SCOPE, 'cjs', { x: 7 });
    expect(r.ok).toBe(true);
    expect(parse(r.payload)).toEqual({ kind: 'cjs', base: 'main.js', x: 7 });
  });

  it('runs a callback-style handler, for success and for an error', async () => {
    const ok = await h.registry.invoke(SCOPE, 'callback', { x: 21 });
    expect(ok.ok).toBe(true);
    expect(parse(ok.payload)).toEqual({ viaCallback: 42 });
    const bad = await h.registry.invoke(SCOPE, 'callback', { fail: true });
    expect(bad.ok).toBe(false);
    expect(bad.functionError).toBe('Unhandled');
    expect(parse(bad.payload)).toMatchObject({ errorType: 'TypeError', errorMessage: 'callback failure' });
  });

  it('reports a thrown error as an unhandled function error', async () => {
    const r = await h.registry.invoke(SCOPE, 'thrower', { n: 5 });
    expect(r.ok).toBe(false);
    expect(r.functionError).toBe('Unhandled');
    expect(r.errorMessage).toBe('bad input 5');
    const p = parse(r.payload);
    expect(p.errorType).toBe('RangeError');
    expect(p.errorMessage).toBe('bad input 5');
    expect(Array.isArray(p.stackTrace)).toBe(true);
    expect(r.logs).toContain('about to fail');
    expect(r.logs).toContain('Invoke Error');
  });

  it('runs concurrent invocations in separate warm workers (more in worker-group.test.ts)', async () => {
    const rs = await Promise.all([1, 2, 3].map((i) => h.registry.invoke(SCOPE, 'sleepy', { sleep: 200, start: i })));
    const ps = rs.map((r) => parse(r.payload));
    expect(rs.every((r) => r.ok)).toBe(true);
    expect(ps.map((p) => p.start)).toEqual([1, 2, 3]);
    expect(new Set(ps.map((p) => p.pid)).size).toBeGreaterThanOrEqual(2);
  });

  it('enforces the timeout, then restarts the worker for the next invocation', async () => {
    const before = parse((await h.registry.invoke(SCOPE, 'sleepy', {})).payload).pid as number;
    const t0 = Date.now();
    const r = await h.registry.invoke(SCOPE, 'sleepy', { loop: true });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.ok).toBe(false);
    expect(r.functionError).toBe('Unhandled');
    expect(r.errorMessage).toBe('Task timed out after 1.00 seconds');
    expect(parse(r.payload).errorMessage).toBe('Task timed out after 1.00 seconds');
    expect(r.logs).toContain('Task timed out after 1.00 seconds');
    expect(isAlive(before)).toBe(false);
    const next = await h.registry.invoke(SCOPE, 'sleepy', {});
    expect(next.ok).toBe(true);
    expect(parse(next.payload).pid).not.toBe(before);
  });

  it('restarts a crashed worker on the next invocation', async () => {
    const crash = await h.registry.invoke(SCOPE, 'sleepy', { crash: true });
    expect(crash.ok).toBe(false);
    expect(crash.functionError).toBe('Unhandled');
    expect(parse(crash.payload).errorType).toBe('Runtime.ExitError');
    expect(crash.errorMessage).toContain('exit status 3');
    const next = await h.registry.invoke(SCOPE, 'sleepy', {});
    expect(next.ok).toBe(true);
  });

  it('gives the worker Lambda’s environment and role credentials, and none of Rotor’s', async () => {
    const r = await h.registry.invoke(SCOPE, 'envdump', {});
    expect(r.ok).toBe(true);
    const env = parse(r.payload) as Record<string, string>;
    expect(env).toMatchObject({
      MY_SETTING: 'on',
      EXCLUDE_CHARACTERS: '/@"',
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_LAMBDA_FUNCTION_NAME: 'envdump',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      SECRETS_MANAGER_ENDPOINT: ENDPOINT,
      AWS_ENDPOINT_URL: ENDPOINT,
      _HANDLER: 'index.handler',
    });
    expect(env.LAMBDA_TASK_ROOT).toMatch(new RegExp(`/functions/${ACCOUNT}/${REGION}/envdump/[0-9a-f]{64}$`));
    expect(env.AWS_ACCESS_KEY_ID).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(env.AWS_SESSION_TOKEN?.length).toBeGreaterThan(20);
    expect(env.AWS_SECRET_ACCESS_KEY).not.toBe('parent-secret-must-not-leak');
    expect(Object.values(env)).not.toContain('parent-secret-must-not-leak');
    expect(Object.keys(env).filter((k) => k.startsWith('ROTOR_'))).toEqual([]);
    expect(env.AWS_LAMBDA_FUNCTION_TIMEOUT).toBeUndefined();

    // The key is registered with Rotor for the assumed role, with a session token and an expiry.
    await h.credentials.prefetch(env.AWS_ACCESS_KEY_ID ?? '');
    const cred = h.credentials.lookup(env.AWS_ACCESS_KEY_ID ?? '');
    expect(cred).toMatchObject({
      accountId: ACCOUNT,
      principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/rotation-role/envdump`,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      sessionToken: env.AWS_SESSION_TOKEN,
    });
    expect(cred?.expiresAt).toBeGreaterThan(Date.now() + 11 * 3_600_000);
  });

  it('reports a handler that cannot be loaded, and retries the load next time', async () => {
    await h.registry.createFunction(
      SCOPE,
      createRequest('missing', 'nodejs20.x', 'nothere.handler', { 'index.mjs': 'export const handler = async () => 1;' }),
    );
    const r = await h.registry.invoke(SCOPE, 'missing', {});
    expect(r.ok).toBe(false);
    expect(parse(r.payload).errorType).toBe('Runtime.ImportModuleError');
    await h.registry.createFunction(
      SCOPE,
      createRequest('notexported', 'nodejs20.x', 'index.nope', { 'index.mjs': 'export const handler = async () => 1;' }),
    );
    const n = await h.registry.invoke(SCOPE, 'notexported', {});
    expect(parse(n.payload)).toMatchObject({ errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.nope is undefined or not exported' });
  });

  it('returns not found (without throwing) for an unknown function or another Region', async () => {
    const r = await h.registry.invoke(SCOPE, ARN('nope'), {});
    expect(r.ok).toBe(false);
    expect(r.errorMessage).toBe(`Function not found: ${ARN('nope')}`);
    const other = await h.registry.invoke({ accountId: ACCOUNT, region: 'eu-west-1' }, ARN('esm'), {});
    expect(other.ok).toBe(false);
  });
});

describe('Python handlers', () => {
  it('runs a handler with importlib, a Lambda context and the Lambda logging format', async () => {
    const r = await h.registry.invoke(SCOPE, ARN('py'), { Step: 'setSecret' });
    expect(r.ok).toBe(true);
    const p = parse(r.payload);
    expect(p).toMatchObject({ event: { Step: 'setSecret' }, fn: 'py', region: REGION, endpoint: ENDPOINT });
    expect(String(p.key)).toMatch(/^ASIA/);
    expect(String(p.cwd)).toMatch(/\/functions\/123456789012\/us-east-1\/py\/[0-9a-f]{64}$/);
    expect(p.remaining).toBeGreaterThan(0);
    expect(r.logs).toContain('python got {"Step": "setSecret"}');
    expect(r.logs).toContain(`[INFO]\t`);
    expect(r.logs).toContain(`\t${String(p.requestId)}\tstep setSecret`);
  });

  it('reuses the interpreter (same os.getpid()) and captures logs per invocation', async () => {
    const a = await h.registry.invoke(SCOPE, 'py', { Step: 'one' });
    const b = await h.registry.invoke(SCOPE, 'py', { Step: 'two' });
    expect(parse(a.payload).pid).toBe(parse(b.payload).pid);
    expect(a.logs).toContain('step one');
    expect(a.logs).not.toContain('step two');
    expect(b.logs).toContain('step two');
  });

  it('reports a raised exception like Lambda (errorType, errorMessage, stackTrace)', async () => {
    const r = await h.registry.invoke(SCOPE, 'py', { fail: true });
    expect(r.ok).toBe(false);
    expect(r.functionError).toBe('Unhandled');
    expect(r.errorMessage).toBe('Secret is not enabled for rotation');
    const p = parse(r.payload);
    expect(p.errorType).toBe('ValueError');
    expect((p.stackTrace as string[]).join('')).toContain('lambda_function.py');
    expect(r.logs).toContain('[ERROR] ValueError: Secret is not enabled for rotation');
    const after = await h.registry.invoke(SCOPE, 'py', { Step: 'again' });
    expect(after.ok).toBe(true);
  });

  it('times out an endless Python handler and recovers', async () => {
    await h.registry.createFunction(
      SCOPE,
      createRequest(
        'pyloop',
        'python3.11',
        'm.h',
        { 'm.py': 'import os\ndef h(event, context):\n    while event.get("loop"):\n        pass\n    return os.getpid()\n' },
        { Timeout: 1 },
      ),
    );
    const r = await h.registry.invoke(SCOPE, 'pyloop', { loop: true });
    expect(r.errorMessage).toBe('Task timed out after 1.00 seconds');
    const ok = await h.registry.invoke(SCOPE, 'pyloop', {});
    expect(ok.ok).toBe(true);
    expect(typeof parse(`{"v":${ok.payload}}`).v).toBe('number');
  });
});

describe('code directory', () => {
  it('treats a .js handler as CommonJS even under a package.json with "type": "module"', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rotor-fn-data-'));
    writeFileSync(join(dataDir, 'package.json'), '{"type":"module"}');
    const local = harness({ dataDir });
    try {
      await local.registry.createFunction(
        SCOPE,
        createRequest('cjs2', 'nodejs20.x', 'index.handler', { 'index.js': 'exports.handler = async () => typeof require;' }),
      );
      const r = await local.registry.invoke(SCOPE, 'cjs2', {});
      expect(r.payload).toBe('"function"');
    } finally {
      await local.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('canSecretsManagerInvoke', () => {
  const allow = (sid: string, extra: Record<string, unknown> = {}) => ({
    StatementId: sid,
    Action: 'lambda:InvokeFunction',
    Principal: 'secretsmanager.amazonaws.com',
    ...extra,
  });

  it('is false without a policy, true once Secrets Manager is allowed', async () => {
    await h.registry.createFunction(SCOPE, createRequest('perm1', 'nodejs20.x', 'index.handler', { 'index.mjs': '' }));
    expect(await h.registry.canSecretsManagerInvoke(SCOPE, ARN('perm1'))).toBe(false);
    await h.registry.addPermission(SCOPE, 'perm1', allow('sm'));
    expect(await h.registry.canSecretsManagerInvoke(SCOPE, ARN('perm1'))).toBe(true);
    // Other scopes and unknown functions.
    expect(await h.registry.canSecretsManagerInvoke({ accountId: ACCOUNT, region: 'eu-west-1' }, ARN('perm1'))).toBe(false);
    expect(await h.registry.canSecretsManagerInvoke({ accountId: '999999999999', region: REGION }, ARN('perm1'))).toBe(false);
    expect(await h.registry.canSecretsManagerInvoke(SCOPE, ARN('nope'))).toBe(false);
    expect(await h.registry.canSecretsManagerInvoke(SCOPE, 'not an arn')).toBe(false);
  });

  it('honours SourceAccount (confused deputy) and ignores other principals and actions', async () => {
    await h.registry.createFunction(SCOPE, createRequest('perm2', 'nodejs20.x', 'index.handler', { 'index.mjs': '' }));
    await h.registry.addPermission(SCOPE, 'perm2', allow('other-account', { SourceAccount: '999999999999' }));
    await h.registry.addPermission(SCOPE, 'perm2', allow('other-service', { Principal: 'events.amazonaws.com' }));
    await h.registry.addPermission(SCOPE, 'perm2', allow('other-action', { Action: 'lambda:GetFunction' }));
    expect(await h.registry.canSecretsManagerInvoke(SCOPE, ARN('perm2'))).toBe(false);
    await h.registry.addPermission(SCOPE, 'perm2', allow('mine', { SourceAccount: ACCOUNT, Action: 'lambda:*' }));
    expect(await h.registry.canSecretsManagerInvoke(SCOPE, ARN('perm2'))).toBe(true);
  });

  it('accepts a SourceArn that names a secret of the same account', async () => {
    await h.registry.createFunction(SCOPE, createRequest('perm3', 'nodejs20.x', 'index.handler', { 'index.mjs': '' }));
    await h.registry.addPermission(SCOPE, 'perm3', allow('arn-other', { SourceArn: `arn:aws:secretsmanager:${REGION}:999999999999:secret:*` }));
    expect(await h.registry.canSecretsManagerInvoke(SCOPE, ARN('perm3'))).toBe(false);
    await h.registry.addPermission(SCOPE, 'perm3', allow('arn-mine', { SourceArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:db-*` }));
    expect(await h.registry.canSecretsManagerInvoke(SCOPE, ARN('perm3'))).toBe(true);
  });
});
