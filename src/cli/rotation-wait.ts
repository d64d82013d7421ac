/**
 * `rotor rotate-secret … --wait`: after RotateSecret returns, follow the run it started through Rotor's
 * history API (rotor.ListRotationRuns, polled) and show each step as it completes; at the end confirm with
 * DescribeSecret that the new version carries AWSCURRENT. Progress goes to stderr, so stdout keeps the
 * RotateSecret response. On failure: the failed step, its error and the function's output; exit 255.
 */
import { GeneralError, SilentExit, EXIT_OTHER } from './cli-errors.js';
import type { CliIo } from './cli-io.js';
import type { Service } from './sdk-client.js';

interface StepRecord {
  Step?: string;
  Attempt?: number;
  DurationMs?: number;
  Outcome?: string;
  Error?: string;
  Output?: string;
}

interface RunRecord {
  RunId?: string;
  Mode?: string;
  ClientRequestToken?: string;
  Status?: string;
  Attempts?: number;
  Error?: string;
  Steps?: StepRecord[];
}

const FINAL = new Set(['succeeded', 'failed', 'abandoned', 'cancelled']);
const POLL_MS = 200;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function indentBlock(text: string, prefix: string): string {
  return text
    .replace(/\s+$/, '')
    .split('\n')
    .map((l) => `${prefix}${l}`)
    .join('\n');
}

export function formatStep(s: StepRecord, attempts: number): string {
  const ok = s.Outcome === 'Succeeded';
  const mark = ok ? '✔' : '✘';
  const secs = s.DurationMs === undefined ? '' : `${(s.DurationMs / 1000).toFixed(2)} s`;
  const attempt = attempts > 1 || (s.Attempt ?? 1) > 1 ? `  (attempt ${s.Attempt ?? 1})` : '';
  let line = `  ${mark} ${(s.Step ?? '?').padEnd(13)} ${secs.padStart(8)}${attempt}\n`;
  if (!ok) {
    if (s.Error !== undefined && s.Error !== '') line += `      error: ${s.Error}\n`;
    if (s.Output !== undefined && s.Output.trim() !== '') line += `      function output:\n${indentBlock(s.Output, '        ')}\n`;
  }
  return line;
}

export async function followRotation(
  service: Service,
  response: Record<string, unknown>,
  params: Record<string, unknown>,
  timeoutSec: number,
  io: CliIo,
): Promise<number> {
  const arn = String(response['ARN'] ?? params['SecretId'] ?? '');
  const name = String(response['Name'] ?? arn);
  const token = String(response['VersionId'] ?? params['ClientRequestToken'] ?? '');
  const deadline = Date.now() + timeoutSec * 1000;
  io.err(`Following the rotation of ${name} (version ${token}):\n`);
  const shown = new Set<string>();
  let run: RunRecord | undefined;
  for (;;) {
    const h = await service.callRotor('ListRotationRuns', { SecretId: arn, MaxResults: 20 });
    const runs = (Array.isArray(h['RotationRuns']) ? h['RotationRuns'] : []) as RunRecord[];
    run = runs.find((r) => r.ClientRequestToken === token);
    if (run !== undefined) {
      for (const s of run.Steps ?? []) {
        const key = `${s.Attempt ?? 1}/${s.Step ?? ''}`;
        if (shown.has(key) || s.Outcome === undefined) continue;
        shown.add(key);
        io.err(formatStep(s, run.Attempts ?? 1));
      }
      if (run.Status !== undefined && FINAL.has(run.Status)) break;
    }
    if (Date.now() > deadline) {
      throw new GeneralError(`Timed out after ${timeoutSec} s waiting for the rotation of ${name} (status: ${run?.Status ?? 'not started'})`);
    }
    await sleep(POLL_MS);
  }
  if (run.Status === 'succeeded') {
    if (run.Mode === 'TestRotation') {
      io.err(`Test rotation succeeded: the function passed testSecret; AWSCURRENT is unchanged.\n`);
      return 0;
    }
    const d = await service.call('DescribeSecret', { SecretId: arn });
    const stages = (d['VersionIdsToStages'] ?? {}) as Record<string, string[]>;
    if ((stages[token] ?? []).includes('AWSCURRENT')) {
      io.err(`Rotation succeeded: version ${token} is AWSCURRENT.\n`);
      return 0;
    }
    io.err(`Rotation finished, but version ${token} does not carry AWSCURRENT (stages: ${JSON.stringify(stages[token] ?? [])}).\n`);
    throw new SilentExit(EXIT_OTHER);
  }
  const failed = [...(run.Steps ?? [])].reverse().find((s) => s.Outcome === 'Failed');
  io.err(
    `Rotation ${run.Status ?? 'failed'}${run.Attempts !== undefined ? ` after ${run.Attempts} attempt${run.Attempts === 1 ? '' : 's'}` : ''}` +
      `${failed?.Step !== undefined ? ` in ${failed.Step}` : ''}: ${run.Error ?? failed?.Error ?? 'no error recorded'}\n`,
  );
  throw new SilentExit(EXIT_OTHER);
}
