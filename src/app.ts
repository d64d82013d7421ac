/**
 * The only place that wires the pieces together: store, keyring, KMS keys, credentials, services, the
 * HTTP(S) server and background work.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { mkdirSync, readFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import type { SecretState, ServiceEvent } from './domain/types.js';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import { loadMasterKeyring } from './crypto/keyring.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import type { Store } from './store/store.js';
import { createKms } from './service/kms.js';
import { createSecretsService } from './service/secrets.js';
import { createCredentialService } from './auth/credentials.js';
import { createPrincipalDirectory } from './auth/principals.js';
import { createAuthorizationService } from './service/authorization.js';
import { createProtocolHandler } from './api/protocol.js';
import { AwsError } from './domain/errors.js';
import { createLogger, type Logger } from './logger.js';
import type { Services } from './app-services.js';
import { createRotationService } from './service/rotation.js';
import { createRotationEngine, type RotationEngine } from './rotation/engine.js';
import type { FunctionInvoker } from './functions/types.js';
import { createFunctionRegistry, LAMBDA_PATH_PREFIX } from './functions/registry.js';
import { withBuiltinRotators } from './rotators/builtin-registry.js';
import { createTestClock, handleClockRequest } from './test-clock.js';

/** Service events recorded durably (spec §8.18); API-call events arrive with the audit trail (issue 11). */
const SERVICE_EVENTS = new Set([
  'RotationStarted',
  'RotationSucceeded',
  'RotationFailed',
  'RotationAbandoned',
  'TestRotationStarted',
  'TestRotationSucceeded',
  'TestRotationFailed',
  'EndSecretVersionDelete',
  'ScheduledRotationSkipped',
]);

export interface App {
  server: Server;
  services: Services;
  store: Store;
  logger: Logger;
  /** Set once listening. */
  url: string;
  admin: { accessKeyId: string; secretAccessKey?: string; created: boolean };
  close(): Promise<void>;
}

export interface AppOptions {
  env?: NodeJS.ProcessEnv;
  clock?: () => number;
  logger?: Logger;
  functions?: FunctionInvoker;
}

export async function createApp(config: Readonly<Config>, opts: AppOptions = {}): Promise<App> {
  const env = opts.env ?? process.env;
  // `--test-clock`: the domain clock is frozen and set through /_rotor/clock (src/test-clock.ts).
  const testClock = config.testClock ? createTestClock(opts.clock?.()) : undefined;
  const clock = testClock ? testClock.now : (opts.clock ?? Date.now);
  const logger = opts.logger ?? createLogger(config.logLevel);
  if (testClock) logger.warn({ msg: 'TEST CLOCK ENABLED: time is frozen and POST /_rotor/clock changes it; never use this outside tests' });
  if (config.dataDir !== undefined) mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const { keyring, created } = loadMasterKeyring({
    ...(env.ROTOR_MASTER_KEY !== undefined ? { envValue: env.ROTOR_MASTER_KEY } : {}),
    ...(config.masterKeyFile !== undefined ? { keyFile: config.masterKeyFile } : {}),
    ...(config.dataDir !== undefined ? { dataDir: config.dataDir } : {}),
  });
  if (created !== undefined) logger.info({ msg: 'generated a new master key', file: created });
  const sqlite = new SqliteStore({
    path: config.dataDir !== undefined ? `${config.dataDir}/rotor.db` : ':memory:',
    synchronous: config.synchronous,
  });
  const store: Store = sqlite;
  const kms = createKms({ store, keyring });
  await kms.ensureKeys(config.kmsKeys, clock());
  const tokenKey = Buffer.from(await store.initMeta('pagination-token-key', randomBytes(32).toString('base64')), 'base64');
  let engine: RotationEngine | undefined;
  let rotationRef: ReturnType<typeof createRotationService> | undefined;
  const onEvent = (name: string, s: SecretState, detail?: Record<string, string>) => {
    if (SERVICE_EVENTS.has(name)) {
      const e: ServiceEvent = { eventId: randomUUID(), eventTime: clock(), eventName: name, accountId: s.accountId, region: s.region, secretArn: s.arn };
      if (detail !== undefined) e.detail = detail;
      store.appendEvent(e).catch((err: unknown) => logger.error({ msg: 'could not record event', event: name, error: err instanceof Error ? err.message : 'unknown' }));
    }
    if (name === 'RotationAbandoned' && detail?.runId !== undefined) {
      rotationRef?.finishRun(detail.runId, 'abandoned', 'A new AWSCURRENT version was created during the rotation.').catch(() => undefined);
    }
  };
  const secrets = createSecretsService({
    store,
    kms,
    clock,
    tokenKey,
    onEvent,
    retention: { maxVersions: config.retention.maxVersions, minAgeMs: config.retention.minAgeHours * 3600_000 },
  });
  const credentials = createCredentialService({ store, keyring, clock });
  for (const k of config.credentials) await credentials.put(k);
  const admin = await credentials.bootstrapAdmin({
    accountId: config.accountId,
    ...(env.ROTOR_ADMIN_ACCESS_KEY_ID !== undefined ? { envKeyId: env.ROTOR_ADMIN_ACCESS_KEY_ID } : {}),
    ...(env.ROTOR_ADMIN_SECRET_ACCESS_KEY !== undefined ? { envSecret: env.ROTOR_ADMIN_SECRET_ACCESS_KEY } : {}),
  });
  let url = '';
  // Built-in rotators (src/rotators/) answer `rotor-builtin-*` names before the registry's own lookup.
  const registry = withBuiltinRotators(createFunctionRegistry({
    db: sqlite.db,
    keyring,
    credentials,
    // Function credentials, code URLs and webhook signatures are checked against real clocks (as SigV4 is).
    clock: testClock ? Date.now : clock,
    dataDir: config.dataDir,
    endpointUrl: () => url,
    logger,
    maxWorkersPerFunction: config.functions.maxWorkersPerFunction,
    idleWorkerTimeoutMs: config.functions.idleWorkerTimeoutMs,
  }), { secrets });
  const functions: FunctionInvoker = opts.functions ?? registry;
  const rotation = createRotationService({ store, secrets, kms, functions, clock, onEvent, wake: () => engine?.wake() });
  rotationRef = rotation;
  engine = createRotationEngine({ store, rotation, functions, clock, logger, onEvent, ...config.rotation });
  const authz = createAuthorizationService({ principals: createPrincipalDirectory(config), clock });
  const services: Services = { secrets, kms, credentials, rotation, authz, events: { appendEvent: (e) => store.appendEvent(e), list: (q) => store.listEvents(q) } };

  const routes = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> => {
    const path = (req.url ?? '/').split('?')[0];
    if (testClock && path === '/_rotor/clock') return handleClockRequest(testClock, req, res, body, () => engine?.wake());
    if (req.method === 'GET' && path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok' }));
      return true;
    }
    if (req.method === 'GET' && (await registry.handleCodeDownload(req, res))) return true;
    if (req.method === 'POST' && path === '/_rotor/reset') {
      if (!config.enableReset) return false;
      await store.reset();
      logger.warn({ msg: 'state reset through /_rotor/reset' });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ reset: true }));
      return true;
    }
    return false;
  };
  // Signatures are checked against the real time even when tests give the domain a fake clock.
  const handler = createProtocolHandler({
    services,
    maxBodyBytes: config.maxBodyBytes,
    logger,
    routes,
    lambda: {
      prefix: LAMBDA_PATH_PREFIX,
      // The Lambda API is authorized by the same evaluator as Secrets Manager (docs/authorization.md).
      handle: (req, res, body, caller) =>
        registry.handleHttp(req, res, body, {
          ...caller,
          authorize: (action, resource, resourceAccount) => {
            const who = {
              caller: { accountId: caller.accountId, principalArn: caller.principalArn },
              scope: { region: caller.region },
              sourceIp: req.socket.remoteAddress ?? '',
              secureTransport: 'encrypted' in req.socket && req.socket.encrypted === true,
            };
            try {
              authz.check(who, { action, resource, resourceAccount });
              return undefined;
            } catch (e) {
              if (e instanceof AwsError && e.code === 'AccessDeniedException') return e.message;
              throw e;
            }
          },
        }),
    },
  });
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handler(req, res).catch((e: unknown) => {
      logger.error({ msg: 'unhandled request failure', error: e instanceof Error ? e.name : 'unknown' });
      if (!res.headersSent) res.writeHead(500).end();
    });
  };
  const server =
    config.tlsCert !== undefined && config.tlsKey !== undefined
      ? createHttpsServer({ cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) }, listener)
      : createHttpServer(listener);
  server.keepAliveTimeout = 65_000;

  const purgeTimer = setInterval(() => {
    secrets.purgeDue().catch((e: unknown) => logger.error({ msg: 'purge failed', error: e instanceof Error ? e.message : 'unknown' }));
  }, config.purgeIntervalMs);
  purgeTimer.unref();

  const app: App = {
    server,
    services,
    store,
    logger,
    url: '',
    admin,
    async close() {
      clearInterval(purgeTimer);
      await engine?.stop();
      await registry.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await store.close();
    },
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      const a = server.address() as AddressInfo;
      const scheme = config.tlsCert !== undefined ? 'https' : 'http';
      const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      app.url = `${scheme}://${host}:${a.port}`;
      url = app.url;
      engine?.start();
      resolve();
    });
  });
  return app;
}
