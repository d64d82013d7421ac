/**
 * Runs `/usr/bin/aws --endpoint-url <rotor> <any service> …` against a Rotor process, isolated from the
 * user's AWS configuration (test/helpers/cli.ts does the same for secretsmanager only).
 */
import { spawn } from 'node:child_process';
import type { RotorProcess } from './process.js';

export interface AwsResult {
  status: number | null;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
}

export function runAws(rotor: RotorProcess, home: string, args: string[]): Promise<AwsResult> {
  return new Promise((resolve, reject) => {
    const p = spawn('/usr/bin/aws', ['--endpoint-url', rotor.url, ...args, '--output', 'json'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        AWS_ACCESS_KEY_ID: rotor.accessKeyId,
        AWS_SECRET_ACCESS_KEY: rotor.secretAccessKey,
        AWS_REGION: rotor.region,
        AWS_DEFAULT_REGION: rotor.region,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_PAGER: '',
      },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (status) => {
      let json: Record<string, unknown> = {};
      try {
        json = stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, unknown>);
      } catch {
        json = {};
      }
      resolve({ status, stdout, stderr, json });
    });
  });
}
