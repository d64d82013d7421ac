/**
 * The environment a worker process gets: built from scratch (nothing of Rotor's own environment leaks,
 * in particular no AWS_* or ROTOR_* variable), with what the Lambda execution environment defines
 * (Lambda developer guide, "Defined runtime environment variables"), Rotor's URL as the Secrets Manager
 * endpoint (AWS's rotation templates read SECRETS_MANAGER_ENDPOINT; current SDKs honour AWS_ENDPOINT_URL
 * and AWS_ENDPOINT_URL_SECRETS_MANAGER; spec §8.4) and the role's temporary credentials.
 */
import { join } from 'node:path';
import type { FunctionRecord } from './function-record.js';
import type { RoleCredentials } from './role-credentials.js';

/** What is passed through from Rotor's own environment: only what finding executables and locales needs. */
const PASS_THROUGH = ['PATH', 'LANG', 'LC_ALL', 'SYSTEMROOT'] as const;

/**
 * Keys Lambda refuses in Environment.Variables (InvalidParameterValueException, "reserved keys").
 */
export const RESERVED_ENV_KEYS: ReadonlySet<string> = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);

export function workerEnv(opts: {
  fn: FunctionRecord;
  codeDir: string;
  runtimeDir: string;
  endpointUrl: string;
  credentials: RoleCredentials;
  logStreamName: string;
  parentEnv: NodeJS.ProcessEnv;
  /** Node runtimes: where require() finds packages the handler does not bundle (Lambda: /var/runtime/node_modules). */
  nodePath?: string;
}): Record<string, string> {
  const { fn, credentials } = opts;
  const env: Record<string, string> = {};
  for (const k of PASS_THROUGH) {
    const v = opts.parentEnv[k];
    if (v !== undefined) env[k] = v;
  }
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  env.LANG ??= 'en_US.UTF-8';
  env.TZ = ':UTC';
  if (opts.nodePath !== undefined) env.NODE_PATH = opts.nodePath;
  // SDK defaults that are not reserved: the function may override them through its Variables.
  env.SECRETS_MANAGER_ENDPOINT = opts.endpointUrl;
  env.AWS_ENDPOINT_URL = opts.endpointUrl;
  env.AWS_ENDPOINT_URL_SECRETS_MANAGER = opts.endpointUrl;
  // Keep SDKs from reading the host's ~/.aws files (Lambda has none).
  env.AWS_CONFIG_FILE = join(opts.codeDir, '.rotor-no-aws-config');
  env.AWS_SHARED_CREDENTIALS_FILE = join(opts.codeDir, '.rotor-no-aws-credentials');
  Object.assign(env, fn.environment ?? {});
  // Reserved: always Rotor's (CreateFunction refuses them in Variables anyway).
  Object.assign(env, {
    _HANDLER: fn.handler,
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: opts.logStreamName,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
    LAMBDA_TASK_ROOT: opts.codeDir,
    LAMBDA_RUNTIME_DIR: opts.runtimeDir,
  });
  return env;
}
