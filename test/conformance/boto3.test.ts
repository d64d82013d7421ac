/**
 * Conformance through boto3 (the machine's python3) against a real `rotor serve` process (or
 * ROTOR_TEST_ENDPOINT): test/conformance/boto3_suite.py drives every operation, checks answers and ClientError
 * codes/messages, and prints a JSON summary; it exits non-zero on any mismatch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTarget, type TestTarget } from '../helpers/process.js';

const SCRIPT = fileURLToPath(new URL('./boto3_suite.py', import.meta.url));

let t: TestTarget;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.close();
});

interface Summary {
  checks: number;
  failures: string[];
  ops: string[];
  results: Record<string, unknown>;
}

function runPython(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [SCRIPT], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('boto3 → rotor', () => {
  it('runs the boto3 suite with no mismatch', async () => {
    const r = await runPython({
      ROTOR_URL: t.endpoint,
      ROTOR_KEY_ID: t.accessKeyId,
      ROTOR_SECRET: t.secretAccessKey,
      ROTOR_REGION: t.region,
      ROTOR_PREFIX: t.prefix,
      ROTOR_ACCOUNT: t.accountId ?? '',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    let summary: Summary;
    try {
      summary = JSON.parse(line) as Summary;
    } catch {
      throw new Error(`boto3 suite printed no summary (exit ${String(r.code)}): ${r.stdout}\n${r.stderr}`);
    }
    expect(summary.failures, r.stderr).toEqual([]);
    expect(r.code).toBe(0);
    expect(summary.checks).toBeGreaterThan(100);
    expect(summary.ops).toEqual(
      [
        'BatchGetSecretValue',
        'CreateSecret',
        'DeleteResourcePolicy',
        'DeleteSecret',
        'DescribeSecret',
        'GetRandomPassword',
        'GetResourcePolicy',
        'GetSecretValue',
        'ListSecretVersionIds',
        'ListSecrets',
        'PutResourcePolicy',
        'PutSecretValue',
        'RestoreSecret',
        'TagResource',
        'UntagResource',
        'UpdateSecret',
        'UpdateSecretVersionStage',
        'ValidateResourcePolicy',
      ],
    );
    expect(summary.results).toMatchObject({ listed: 9, versions: 5, binaryBytes: 515 });
  });
});
