/**
 * Configuration: parsed once at start from (lowest to highest precedence) defaults, a JSON config file,
 * environment variables and command-line flags; validated; frozen. Every option is documented in the
 * README's configuration table. Rotor's own keys never have defaults: they are generated on first start.
 */
import { readFileSync } from 'node:fs';
import type { DeclaredKey } from './auth/credentials.js';
import { compilePolicy, PolicyCompileError } from './domain/policy/index.js';
import type { KmsKeySpec } from './service/kms.js';
import type { LogLevel } from './logger.js';

export interface Config {
  host: string;
  port: number;
  /** undefined ⇒ in-memory (nothing persisted). */
  dataDir: string | undefined;
  accountId: string;
  synchronous: 'FULL' | 'NORMAL';
  tlsCert?: string;
  tlsKey?: string;
  masterKeyFile?: string;
  enableReset: boolean;
  maxBodyBytes: number;
  logLevel: LogLevel;
  retention: { maxVersions: number; minAgeHours: number };
  purgeIntervalMs: number;
  rotation: RotationConfig;
  functions: { maxWorkersPerFunction: number; idleWorkerTimeoutMs: number };
  credentials: DeclaredKey[];
  /** IAM roles (function execution roles) with their identity policies (docs/authorization.md). */
  roles: DeclaredRole[];
  kmsKeys: KmsKeySpec[];
  /** Tests only: the domain clock is frozen and set through /_rotor/clock (src/test-clock.ts). */
  testClock: boolean;
}

export interface DeclaredRole {
  /** arn:aws:iam::<account>:role/[path/]name */
  arn: string;
  /** Absent ⇒ unrestricted in its account (so existing rotation functions keep working). */
  policies?: unknown[];
  tags?: Record<string, string>;
}

export interface RotationConfig {
  /** How often the engine looks for due jobs and scheduled rotations (it is also woken at once by RotateSecret). */
  pollMs: number;
  /** A step's lease; renewed while the step runs, so a dead node's job is taken over this long after it died. */
  leaseMs: number;
  /** Attempts of a whole rotation before it is left failed (AWS: "multiple times", undocumented). */
  maxAttempts: number;
  /** Back-off before attempt n+1: base · 2^(n-1), at most max. */
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export interface ConfigInput {
  host?: string;
  port?: number | string;
  dataDir?: string;
  memory?: boolean;
  accountId?: string;
  synchronous?: string;
  tlsCert?: string;
  tlsKey?: string;
  masterKeyFile?: string;
  enableReset?: boolean;
  maxBodyBytes?: number | string;
  logLevel?: string;
  retention?: { maxVersions?: number; minAgeHours?: number };
  purgeIntervalMs?: number | string;
  rotation?: Partial<RotationConfig>;
  functions?: { maxWorkersPerFunction?: number; idleWorkerTimeoutMs?: number };
  credentials?: DeclaredKey[];
  roles?: DeclaredRole[];
  kmsKeys?: KmsKeySpec[];
  testClock?: boolean;
  /** Allows testClock on a non-loopback host. */
  testClockAnyHost?: boolean;
}

export class ConfigError extends Error {}

function int(v: number | string | undefined, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

export function readConfigFile(path: string): ConfigInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError('the config file must hold a JSON object');
    return v as ConfigInput;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`config file ${path} is not valid JSON`);
  }
}

export function envConfig(env: NodeJS.ProcessEnv): ConfigInput {
  const c: ConfigInput = {};
  if (env.ROTOR_HOST) c.host = env.ROTOR_HOST;
  if (env.ROTOR_PORT) c.port = env.ROTOR_PORT;
  if (env.ROTOR_DATA_DIR) c.dataDir = env.ROTOR_DATA_DIR;
  if (env.ROTOR_ACCOUNT_ID) c.accountId = env.ROTOR_ACCOUNT_ID;
  if (env.ROTOR_LOG_LEVEL) c.logLevel = env.ROTOR_LOG_LEVEL;
  if (env.ROTOR_ENABLE_RESET === '1' || env.ROTOR_ENABLE_RESET === 'true') c.enableReset = true;
  return c;
}

function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

/** Identity policies are compiled here once so a malformed document stops the start, with its location. */
function checkPolicies(policies: unknown, tags: unknown, where: string): void {
  if (policies !== undefined) {
    if (!Array.isArray(policies)) throw new ConfigError(`${where}: policies must be a list of policy documents`);
    policies.forEach((p: unknown, i) => {
      try {
        compilePolicy(p, 'identity');
      } catch (e) {
        if (e instanceof PolicyCompileError) throw new ConfigError(`${where}: policy ${i + 1}: ${e.message}`);
        throw e;
      }
    });
  }
  if (tags !== undefined && (typeof tags !== 'object' || tags === null || Array.isArray(tags) || Object.values(tags).some((v) => typeof v !== 'string'))) {
    throw new ConfigError(`${where}: tags must be an object of strings`);
  }
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export function buildConfig(...layers: ConfigInput[]): Readonly<Config> {
  const m: ConfigInput = {};
  for (const l of layers) for (const [k, v] of Object.entries(l)) if (v !== undefined) (m as Record<string, unknown>)[k] = v;
  const accountId = m.accountId ?? '000000000000';
  if (!/^\d{12}$/.test(accountId)) throw new ConfigError('accountId must be 12 digits');
  const sync = (m.synchronous ?? 'FULL').toUpperCase();
  if (sync !== 'FULL' && sync !== 'NORMAL') throw new ConfigError('synchronous must be FULL or NORMAL');
  const logLevel = (m.logLevel ?? 'info') as LogLevel;
  if (!LEVELS.includes(logLevel)) throw new ConfigError(`logLevel must be one of ${LEVELS.join(', ')}`);
  if ((m.tlsCert === undefined) !== (m.tlsKey === undefined)) throw new ConfigError('tlsCert and tlsKey go together');
  if (m.testClock === true && m.testClockAnyHost !== true && !isLoopback(m.host ?? '127.0.0.1')) {
    throw new ConfigError('testClock lets anyone who can reach the server change its time: it needs a loopback host (add testClockAnyHost / --test-clock-any-host to force it)');
  }
  for (const k of m.credentials ?? []) {
    if (!/^[A-Z0-9]{16,128}$/.test(k.accessKeyId) || typeof k.secretAccessKey !== 'string' || k.secretAccessKey.length < 16 || !/^\d{12}$/.test(k.accountId)) {
      throw new ConfigError('each credentials entry needs accessKeyId (A-Z0-9, 16+), secretAccessKey (16+ chars) and a 12-digit accountId');
    }
  }
  for (const r of m.roles ?? []) {
    if (typeof r.arn !== 'string' || !/^arn:[^:]+:iam::\d{12}:role\/.+$/.test(r.arn)) throw new ConfigError('each roles entry needs an arn of the form arn:aws:iam::<account>:role/<name>');
    checkPolicies(r.policies, r.tags, `role ${r.arn}`);
  }
  for (const k of m.credentials ?? []) checkPolicies(k.policies, k.tags, `credentials ${k.accessKeyId}`);
  const c: Config = {
    host: m.host ?? '127.0.0.1',
    port: int(m.port, 'port', 0, 65535) ?? 4599,
    dataDir: m.memory === true ? undefined : (m.dataDir ?? '.rotor'),
    accountId,
    synchronous: sync,
    enableReset: m.enableReset ?? false,
    maxBodyBytes: int(m.maxBodyBytes, 'maxBodyBytes', 1024, 64 * 1024 * 1024) ?? 1024 * 1024,
    logLevel,
    retention: {
      maxVersions: int(m.retention?.maxVersions, 'retention.maxVersions', 2, 100000) ?? 100,
      minAgeHours: m.retention?.minAgeHours ?? 24,
    },
    purgeIntervalMs: int(m.purgeIntervalMs, 'purgeIntervalMs', 10, 86_400_000) ?? 60_000,
    rotation: {
      pollMs: int(m.rotation?.pollMs, 'rotation.pollMs', 10, 3_600_000) ?? 1000,
      leaseMs: int(m.rotation?.leaseMs, 'rotation.leaseMs', 100, 3_600_000) ?? 30_000,
      maxAttempts: int(m.rotation?.maxAttempts, 'rotation.maxAttempts', 1, 100) ?? 5,
      backoffBaseMs: int(m.rotation?.backoffBaseMs, 'rotation.backoffBaseMs', 0, 86_400_000) ?? 30_000,
      backoffMaxMs: int(m.rotation?.backoffMaxMs, 'rotation.backoffMaxMs', 0, 86_400_000) ?? 3_600_000,
    },
    functions: {
      maxWorkersPerFunction: int(m.functions?.maxWorkersPerFunction, 'functions.maxWorkersPerFunction', 1, 64) ?? 4,
      idleWorkerTimeoutMs: int(m.functions?.idleWorkerTimeoutMs, 'functions.idleWorkerTimeoutMs', 1000, 86_400_000) ?? 60_000,
    },
    credentials: m.credentials ?? [],
    roles: m.roles ?? [],
    kmsKeys: (m.kmsKeys ?? []).map((k) => ({ ...k, accountId: k.accountId ?? accountId })),
    testClock: m.testClock === true,
  };
  if (m.tlsCert !== undefined) c.tlsCert = m.tlsCert;
  if (m.tlsKey !== undefined) c.tlsKey = m.tlsKey;
  if (m.masterKeyFile !== undefined) c.masterKeyFile = m.masterKeyFile;
  return Object.freeze(c);
}
