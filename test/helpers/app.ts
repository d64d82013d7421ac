/**
 * Starts Rotor in-process on a loopback port with an in-memory store and a known admin key, and gives
 * tests a real SDK client and a raw signed-request helper. Tests can set ROTOR_TEST_ENDPOINT (plus
 * ROTOR_TEST_ACCESS_KEY_ID / ROTOR_TEST_SECRET_ACCESS_KEY) to run the same suite against another endpoint.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createApp, type App } from '../../src/app.js';
import { buildConfig, type ConfigInput } from '../../src/config.js';
import { signRequest } from '../../src/auth/sigv4.js';
import { createLogger } from '../../src/logger.js';
import type { FunctionInvoker } from '../../src/functions/types.js';

export const TEST_KEY_ID = 'AKIATESTROTOR0000001';
export const TEST_SECRET = 'testsecretkey0000000000000000000000000001';
export const TEST_ACCOUNT = '111122223333';
export const TEST_REGION = 'us-east-1';

export interface TestApp {
  app?: App;
  endpoint: string;
  client: SecretsManagerClient;
  clientFor(region: string, keyId?: string, secret?: string): SecretsManagerClient;
  /** A raw signed JSON 1.1 call; returns status, parsed body and headers. */
  raw(
    op: string,
    body: unknown,
    opts?: { region?: string; headers?: Record<string, string>; rawBody?: string; accessKeyId?: string; secretAccessKey?: string },
  ): Promise<RawResponse>;
  close(): Promise<void>;
}

export interface RawResponse {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export async function startTestApp(
  overrides: ConfigInput & { clock?: () => number; invoker?: FunctionInvoker } = {},
): Promise<TestApp> {
  const external = process.env.ROTOR_TEST_ENDPOINT;
  let app: App | undefined;
  let endpoint: string;
  let keyId = TEST_KEY_ID;
  let secret = TEST_SECRET;
  if (external !== undefined && external !== '') {
    endpoint = external;
    keyId = process.env.ROTOR_TEST_ACCESS_KEY_ID ?? keyId;
    secret = process.env.ROTOR_TEST_SECRET_ACCESS_KEY ?? secret;
  } else {
    const { clock, invoker, ...cfg } = overrides;
    const config = buildConfig({ memory: true, port: 0, accountId: TEST_ACCOUNT, logLevel: 'silent', ...cfg });
    app = await createApp(config, {
      env: { ROTOR_ADMIN_ACCESS_KEY_ID: TEST_KEY_ID, ROTOR_ADMIN_SECRET_ACCESS_KEY: TEST_SECRET },
      logger: createLogger('silent'),
      ...(clock ? { clock } : {}),
      ...(invoker ? { functions: invoker } : {}),
    });
    endpoint = app.url;
  }
  const clientFor = (region: string, k = keyId, s = secret) =>
    new SecretsManagerClient({
      endpoint,
      region,
      credentials: { accessKeyId: k, secretAccessKey: s },
      maxAttempts: 1,
    });
  const client = clientFor(TEST_REGION);
  return {
    ...(app ? { app } : {}),
    endpoint,
    client,
    clientFor,
    async raw(op, body, opts = {}) {
      const url = new URL(endpoint);
      const text = opts.rawBody ?? JSON.stringify(body);
      const headers = signRequest({
        method: 'POST',
        host: url.host,
        path: '/',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `secretsmanager.${op}`, ...(opts.headers ?? {}) },
        body: text,
        accessKeyId: opts.accessKeyId ?? keyId,
        secretAccessKey: opts.secretAccessKey ?? secret,
        region: opts.region ?? TEST_REGION,
        service: 'secretsmanager',
      });
      const res = await fetch(endpoint, { method: 'POST', headers, body: text });
      const t = await res.text();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = t === '' ? {} : (JSON.parse(t) as Record<string, unknown>);
      } catch {
        parsed = { __raw: t };
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      client.destroy();
      await app?.close();
    },
  };
}
