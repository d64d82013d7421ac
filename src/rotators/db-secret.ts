/**
 * The database secret JSON of AWS's rotation templates (spec rotation-ecosystem.md §1.1): `engine`,
 * `host`, `username`, `password` required; `port`, `dbname`, `ssl` (boolean or "true"/"false") and, for
 * alternating users, `masterarn` optional. Other keys are kept as they are.
 */
import { RotatorError } from './rotator-error.js';

export interface DbSecret {
  engine: string;
  host: string;
  port: number;
  username: string;
  password: string;
  dbname?: string;
  /** undefined: try TLS and fall back to plaintext (the templates' behaviour with no `ssl` key). */
  ssl?: boolean;
  masterarn?: string;
  /** The whole JSON object, to write back with changed fields. */
  json: Record<string, unknown>;
}

export const POSTGRES_ENGINES = ['postgres', 'aurora-postgresql'] as const;

function str(json: Record<string, unknown>, key: string, label: string, required: true): string;
function str(json: Record<string, unknown>, key: string, label: string, required: false): string | undefined;
function str(json: Record<string, unknown>, key: string, label: string, required: boolean): string | undefined {
  const v = json[key];
  if (v === undefined || v === null) {
    if (required) throw new RotatorError(`The ${label} secret's JSON has no "${key}" field.`);
    return undefined;
  }
  if (typeof v !== 'string' || (required && v === '')) throw new RotatorError(`The ${label} secret's "${key}" must be a non-empty string.`);
  return v;
}

/**
 * Parses a database secret. `label` says which one in errors ("AWSCURRENT", "master"). `requireEngine`
 * false for the master secret, which may hold only credentials.
 */
export function parseDbSecret(
  text: string,
  label: string,
  engines: readonly string[],
  defaultPort: number,
  requireEngine = true,
): DbSecret {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RotatorError(`The ${label} secret value is not JSON; a database rotator needs {"engine","host","username","password",…}.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RotatorError(`The ${label} secret value is not a JSON object.`);
  }
  const json = parsed as Record<string, unknown>;
  const engine = str(json, 'engine', label, false);
  if (engine !== undefined ? !engines.includes(engine) : requireEngine) {
    throw new RotatorError(`The ${label} secret's "engine" must be one of ${engines.join(', ')}.`);
  }
  const host = requireEngine ? str(json, 'host', label, true) : (str(json, 'host', label, false) ?? '');
  const out: DbSecret = {
    engine: engine ?? engines[0] ?? '',
    host,
    port: portOf(json.port, label, defaultPort),
    username: str(json, 'username', label, true),
    password: str(json, 'password', label, true),
    json,
  };
  const dbname = str(json, 'dbname', label, false);
  if (dbname !== undefined && dbname !== '') out.dbname = dbname;
  const ssl = sslOf(json.ssl, label);
  if (ssl !== undefined) out.ssl = ssl;
  const masterarn = str(json, 'masterarn', label, false);
  if (masterarn !== undefined && masterarn !== '') out.masterarn = masterarn;
  return out;
}

function portOf(v: unknown, label: string, defaultPort: number): number {
  if (v === undefined || v === null || v === '') return defaultPort;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new RotatorError(`The ${label} secret's "port" must be a TCP port number.`);
  return n;
}

function sslOf(v: unknown, label: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  throw new RotatorError(`The ${label} secret's "ssl" must be true or false.`);
}

export function target(s: Pick<DbSecret, 'host' | 'port'>): string {
  return `${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}`;
}
