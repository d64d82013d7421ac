/**
 * A function as Rotor keeps it, and its wire shape (Lambda's FunctionConfiguration). Times are epoch ms.
 */
import type { Scope } from '../domain/types.js';
import type { RuntimeName } from './runtimes.js';
import type { PolicyStatement } from './function-policy.js';

export interface FunctionRecord {
  accountId: string;
  region: string;
  name: string;
  arn: string;
  runtime: RuntimeName;
  role: string;
  /** '' for a webhook function created without one (Lambda then omits Handler, as for images). */
  handler: string;
  description: string;
  /** Seconds, 1–900. */
  timeout: number;
  /** MB, 128–10240. */
  memorySize: number;
  /** Undefined when never set (Lambda then omits Environment). */
  environment?: Record<string, string>;
  architectures: string[];
  /** base64 SHA-256 of the deployment package, as Lambda reports it. */
  codeSha256: string;
  codeSize: number;
  lastModified: number;
  /** Changes on every write (configuration, code or policy), as Lambda's RevisionId does. */
  revisionId: string;
  policy: PolicyStatement[];
}

export function scopeOf(f: Pick<FunctionRecord, 'accountId' | 'region'>): Scope {
  return { accountId: f.accountId, region: f.region };
}

/** Lambda's timestamp format: ISO 8601 with milliseconds and a `+0000` offset. */
export function lambdaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function codeShaHex(codeSha256: string): string {
  return Buffer.from(codeSha256, 'base64').toString('hex');
}

export interface FunctionConfiguration {
  FunctionName: string;
  FunctionArn: string;
  Runtime: string;
  Role: string;
  Handler?: string;
  CodeSize: number;
  Description: string;
  Timeout: number;
  MemorySize: number;
  LastModified: string;
  CodeSha256: string;
  Version: string;
  Environment?: { Variables: Record<string, string> };
  TracingConfig: { Mode: string };
  RevisionId: string;
  State: string;
  LastUpdateStatus: string;
  PackageType: string;
  Architectures: string[];
  EphemeralStorage: { Size: number };
  LoggingConfig: { LogFormat: string; LogGroup: string };
}

export function toConfiguration(f: FunctionRecord): FunctionConfiguration {
  const c: FunctionConfiguration = {
    FunctionName: f.name,
    FunctionArn: f.arn,
    Runtime: f.runtime,
    Role: f.role,
    ...(f.handler !== '' ? { Handler: f.handler } : {}),
    CodeSize: f.codeSize,
    Description: f.description,
    Timeout: f.timeout,
    MemorySize: f.memorySize,
    LastModified: lambdaTimestamp(f.lastModified),
    CodeSha256: f.codeSha256,
    Version: '$LATEST',
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: f.revisionId,
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: f.architectures,
    EphemeralStorage: { Size: 512 },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${f.name}` },
  };
  if (f.environment !== undefined) c.Environment = { Variables: { ...f.environment } };
  return c;
}
