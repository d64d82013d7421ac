/**
 * The CLI's connection to Rotor: the official SDK client (@aws-sdk/client-secrets-manager, loaded only when a
 * command calls the service, so `rotor --version` and skeletons start fast) and Rotor's own JSON 1.1
 * operations (`rotor.ListRotationRuns`), signed with the SDK's resolved credentials by src/auth/sigv4.ts.
 * SDK failures become the AWS CLI's errors: service errors (254), no credentials/region (253), connection
 * problems (255).
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readFileSync } from 'node:fs';
import type { OperationName } from '../api/model.js';
import { signRequest } from '../auth/sigv4.js';
import { ConfigurationError, GeneralError, ServiceError } from './cli-errors.js';

export interface ClientSettings {
  endpoint: string;
  region: string | undefined;
  profile: string | undefined;
  verifySsl: boolean;
  caBundle: string | undefined;
  readTimeoutSec: number | undefined;
  connectTimeoutSec: number | undefined;
  signRequest: boolean;
  debug: ((line: string) => void) | undefined;
}

export interface Service {
  /** Calls an AWS operation; returns the SDK's output object. */
  call(op: OperationName, params: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Calls one of Rotor's own operations (`rotor.<op>`), returning the parsed JSON body. */
  callRotor(op: string, body: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): void;
}

type SdkCommand = Parameters<SecretsManagerClient['send']>[0];
type CommandCtor = new (input: Record<string, unknown>) => SdkCommand;

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);

function requestUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/`;
}

function prop(e: unknown, key: string): unknown {
  return typeof e === 'object' && e !== null ? (e as Record<string, unknown>)[key] : undefined;
}

/** Translates an SDK/transport failure into the CLI error the AWS CLI would show. */
export function translateError(e: unknown, op: string, endpoint: string): Error {
  if (e instanceof Error && prop(e, '$fault') !== undefined && prop(e, '$metadata') !== undefined) {
    const meta = prop(e, '$metadata');
    if (typeof prop(meta, 'httpStatusCode') === 'number') {
      return new ServiceError(e.name, op, e.message === '' || e.message === 'UnknownError' ? 'Unknown' : e.message);
    }
  }
  const code = prop(e, 'code');
  const name = e instanceof Error ? e.name : '';
  const msg = e instanceof Error ? e.message : String(e);
  if (typeof code === 'string' && CONNECT_CODES.has(code)) return new GeneralError(`Could not connect to the endpoint URL: "${requestUrl(endpoint)}"`);
  if (name === 'TimeoutError' || /timed? ?out/i.test(msg)) {
    return new GeneralError(/connect/i.test(msg) ? `Connect timeout on endpoint URL: "${requestUrl(endpoint)}"` : `Read timeout on endpoint URL: "${requestUrl(endpoint)}"`);
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/.test(msg)) {
    return new ConfigurationError('Unable to locate credentials. You can configure credentials by running "aws configure".');
  }
  if (/Region is missing/.test(msg)) {
    return new ConfigurationError('You must specify a region. You can also configure your region by running "aws configure".');
  }
  if (e instanceof Error && /Invalid URL|protocol/i.test(msg) && name === 'TypeError') return new GeneralError(msg);
  return e instanceof Error ? e : new GeneralError(msg);
}

export async function createService(s: ClientSettings): Promise<Service> {
  // The project runs on Node 20 by decision; the SDK's "will require node >=22" notice would pollute stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const sdk = await import('@aws-sdk/client-secrets-manager');
  const handler: Record<string, unknown> = {};
  if (!s.verifySsl || s.caBundle !== undefined) {
    const { Agent: HttpsAgent } = await import('node:https');
    handler.httpsAgent = new HttpsAgent({
      rejectUnauthorized: s.verifySsl,
      ...(s.caBundle !== undefined ? { ca: readFileSync(s.caBundle) } : {}),
    });
  }
  if (s.readTimeoutSec !== undefined && s.readTimeoutSec > 0) handler.requestTimeout = s.readTimeoutSec * 1000;
  if (s.connectTimeoutSec !== undefined && s.connectTimeoutSec > 0) handler.connectionTimeout = s.connectTimeoutSec * 1000;
  const client = new sdk.SecretsManagerClient({
    endpoint: s.endpoint,
    ...(s.region !== undefined ? { region: s.region } : {}),
    ...(s.profile !== undefined ? { profile: s.profile } : {}),
    ...(Object.keys(handler).length > 0 ? { requestHandler: handler } : {}),
    ...(s.signRequest ? {} : { credentials: { accessKeyId: '', secretAccessKey: '' } }),
  });
  const debug = s.debug;
  if (debug !== undefined) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const req = args.request as { method?: string; hostname?: string; port?: number; path?: string; headers?: Record<string, string>; body?: unknown };
        debug(`Making request for ${String(context.commandName ?? '')} to ${s.endpoint}: ${req.method ?? ''} ${req.path ?? ''} headers=${JSON.stringify(req.headers ?? {})} body=${typeof req.body === 'string' ? req.body : ''}`);
        const res = await next(args);
        const r = res.response as { statusCode?: number; headers?: Record<string, string> };
        debug(`Response: status=${String(r.statusCode)} headers=${JSON.stringify(r.headers ?? {})}`);
        return res;
      },
      { step: 'finalizeRequest', name: 'rotorCliDebug', priority: 'low' },
    );
  }
  const commands = sdk as unknown as Record<string, unknown>;
  return {
    async call(op, params) {
      const Ctor = commands[`${op}Command`];
      if (typeof Ctor !== 'function') throw new GeneralError(`Unknown operation ${op}`);
      try {
        return (await client.send(new (Ctor as CommandCtor)(params))) as unknown as Record<string, unknown>;
      } catch (e) {
        throw translateError(e, op, s.endpoint);
      }
    },
    async callRotor(op, body) {
      let creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
      let region: string;
      try {
        creds = await client.config.credentials();
        region = await client.config.region();
      } catch (e) {
        throw translateError(e, op, s.endpoint);
      }
      const url = new URL(s.endpoint);
      const text = JSON.stringify(body);
      const headers = signRequest({
        method: 'POST',
        host: url.host,
        path: url.pathname === '' ? '/' : url.pathname,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `rotor.${op}` },
        body: text,
        accessKeyId: creds.accessKeyId,
        secretAccessKey: creds.secretAccessKey,
        ...(creds.sessionToken !== undefined ? { sessionToken: creds.sessionToken } : {}),
        region,
        service: 'secretsmanager',
      });
      delete headers['host'];
      debug?.(`Making request for rotor.${op} to ${s.endpoint}: body=${text}`);
      let res: Response;
      try {
        res = await fetch(s.endpoint, { method: 'POST', headers, body: text });
      } catch (e) {
        throw translateError(prop(e, 'cause') ?? e, op, s.endpoint);
      }
      const raw = await res.text();
      debug?.(`Response: status=${res.status} body=${raw}`);
      let parsed: Record<string, unknown> = {};
      try {
        parsed = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
      } catch {
        throw new GeneralError(`Unable to parse the response of rotor.${op} (HTTP ${res.status})`);
      }
      if (res.status >= 300) {
        const type = String(parsed['__type'] ?? `HTTP${res.status}`);
        const code = type.slice(type.lastIndexOf('#') + 1).split(':')[0] ?? type;
        const message = parsed['Message'] ?? parsed['message'] ?? 'Unknown';
        throw new ServiceError(code, op, String(message));
      }
      return parsed;
    },
    close() {
      client.destroy();
    },
  };
}
