/**
 * Runs the real AWS CLI v2 (Debian's /usr/bin/aws 2.9.19 — the `aws` first on PATH may be a v1) against a
 * target, isolated from the user's configuration: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE point at
 * /dev/null, a temporary HOME, no pager. 2.9.19 ignores AWS_ENDPOINT_URL, so --endpoint-url is always passed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './process.js';

export const AWS_CLI_V2 = '/usr/bin/aws';

export interface CliTarget {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Parsed stdout, or undefined when stdout is empty / not JSON. */
  json: Record<string, unknown> | undefined;
}

export interface Cli {
  /** `aws --endpoint-url … secretsmanager <args…> --output json` (asynchronous, so independent calls can overlap). */
  run(args: string[], opts?: { withCurrentModel?: boolean }): Promise<CliResult>;
  /** Same, synchronous (spawnSync). */
  runSync(args: string[], opts?: { withCurrentModel?: boolean }): CliResult;
  cleanup(): void;
}

function parse(stdout: string): Record<string, unknown> | undefined {
  if (stdout.trim() === '') return undefined;
  try {
    return JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * `withCurrentModel`: 2.9.19's bundled model predates BatchGetSecretValue; a second HOME carries the repo's
 * vendored model in ~/.aws/models (the CLI's own extension mechanism, as `aws configure add-model` does).
 */
export function createCli(t: CliTarget, opts: { parallel?: number } = {}): Cli {
  // Each CLI start costs ~0.5 s of CPU: more processes at once than cores only adds contention.
  const parallel = opts.parallel ?? 2;
  let running = 0;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    while (running >= parallel) await new Promise<void>((r) => waiting.push(r));
    running++;
  };
  const release = () => {
    running--;
    waiting.shift()?.();
  };

  const home = mkdtempSync(join(tmpdir(), 'rotor-cli-home-'));
  const homeWithModel = mkdtempSync(join(tmpdir(), 'rotor-cli-home-model-'));
  const modelDir = join(homeWithModel, '.aws', 'models', 'secretsmanager', '2017-10-17');
  mkdirSync(modelDir, { recursive: true });
  copyFileSync(join(REPO_ROOT, 'model', 'secretsmanager-2017-10-17.service-2.json'), join(modelDir, 'service-2.json'));

  const env = (h: string): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: h,
    LANG: 'C.UTF-8',
    AWS_ACCESS_KEY_ID: t.accessKeyId,
    AWS_SECRET_ACCESS_KEY: t.secretAccessKey,
    AWS_REGION: t.region,
    AWS_DEFAULT_REGION: t.region,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  const argv = (args: string[]) => ['--endpoint-url', t.endpoint, 'secretsmanager', ...args, '--output', 'json'];
  return {
    runSync(args, opts = {}) {
      const r = spawnSync(AWS_CLI_V2, argv(args), {
        env: env(opts.withCurrentModel === true ? homeWithModel : home),
        encoding: 'utf8',
        timeout: 30_000,
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr, json: parse(r.stdout) };
    },
    async run(args, opts = {}) {
      await acquire();
      try {
        return await spawnOne(args, opts);
      } finally {
        release();
      }
    },
    cleanup() {
      rmSync(home, { recursive: true, force: true });
      rmSync(homeWithModel, { recursive: true, force: true });
    },
  };

  function spawnOne(args: string[], opts: { withCurrentModel?: boolean }): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(AWS_CLI_V2, argv(args), {
        env: env(opts.withCurrentModel === true ? homeWithModel : home),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', reject);
      child.on('close', (status) => {
        clearTimeout(timer);
        resolve({ status, stdout, stderr, json: parse(stdout) });
      });
    });
  }
}
