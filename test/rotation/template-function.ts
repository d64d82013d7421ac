/**
 * A rotation function written the way AWS's SecretsManagerRotationTemplate (lambda_function.py) is, in
 * TypeScript with the real SDK calling back into Rotor over its socket. It lets the engine be tested
 * in-process; the real Lambda runtimes (node and python processes) are tested end to end elsewhere.
 * Failures can be injected per step.
 */
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { FunctionInvoker, InvokeResult } from '../../src/functions/types.js';

export interface TemplateOptions {
  /** The client the function uses (a getter: the server's URL is known only once it listens). */
  client: () => SecretsManagerClient;
  /** Steps that fail, with how many times each should fail (Infinity: always). */
  failures?: Map<string, number>;
  /** Called at the start of each step (to pause, count or kill). */
  onStep?: (step: string, event: RotationEvent) => Promise<void> | void;
  /** ARNs that secretsmanager.amazonaws.com may invoke. */
  invocable?: Set<string>;
  /** finishSecret does nothing (a broken function). */
  lazyFinish?: boolean;
}

export interface RotationEvent {
  Step: string;
  SecretId: string;
  ClientRequestToken: string;
  RotationToken: string;
}

export function templateFunction(opts: TemplateOptions): FunctionInvoker & { calls: RotationEvent[] } {
  const calls: RotationEvent[] = [];

  async function run(e: RotationEvent): Promise<void> {
    const client = opts.client();
    const md = await client.send(new DescribeSecretCommand({ SecretId: e.SecretId }));
    if (md.RotationEnabled !== true) throw new Error(`Secret ${e.SecretId} is not enabled for rotation`);
    const versions = md.VersionIdsToStages ?? {};
    const stages = versions[e.ClientRequestToken];
    if (!stages) throw new Error(`Secret version ${e.ClientRequestToken} has no stage for rotation of secret ${e.SecretId}.`);
    if (stages.includes('AWSCURRENT')) return;
    if (!stages.includes('AWSPENDING')) throw new Error(`Secret version ${e.ClientRequestToken} not set as AWSPENDING for rotation of secret ${e.SecretId}.`);
    switch (e.Step) {
      case 'createSecret': {
        await client.send(new GetSecretValueCommand({ SecretId: e.SecretId, VersionStage: 'AWSCURRENT' }));
        try {
          await client.send(new GetSecretValueCommand({ SecretId: e.SecretId, VersionId: e.ClientRequestToken, VersionStage: 'AWSPENDING' }));
        } catch (err) {
          if ((err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
          const pw = await client.send(new GetRandomPasswordCommand({ ExcludeCharacters: '/@"\'\\' }));
          await client.send(
            new PutSecretValueCommand({
              SecretId: e.SecretId,
              ClientRequestToken: e.ClientRequestToken,
              SecretString: pw.RandomPassword ?? '',
              VersionStages: ['AWSPENDING'],
              RotationToken: e.RotationToken,
            }),
          );
        }
        return;
      }
      case 'setSecret':
      case 'testSecret':
        await client.send(new GetSecretValueCommand({ SecretId: e.SecretId, VersionId: e.ClientRequestToken, VersionStage: 'AWSPENDING' }));
        return;
      case 'finishSecret': {
        if (opts.lazyFinish === true) return;
        let current: string | undefined;
        for (const [v, s] of Object.entries(versions)) {
          if (s.includes('AWSCURRENT')) {
            if (v === e.ClientRequestToken) return;
            current = v;
          }
        }
        await client.send(
          new UpdateSecretVersionStageCommand({
            SecretId: e.SecretId,
            VersionStage: 'AWSCURRENT',
            MoveToVersionId: e.ClientRequestToken,
            ...(current !== undefined ? { RemoveFromVersionId: current } : {}),
          }),
        );
        return;
      }
      default:
        throw new Error(`Invalid step parameter ${e.Step}`);
    }
  }

  return {
    calls,
    async canSecretsManagerInvoke(_scope, arn) {
      return opts.invocable === undefined || opts.invocable.has(arn);
    },
    async invoke(_scope, _arn, event): Promise<InvokeResult> {
      const e = event as RotationEvent;
      calls.push(e);
      const started = Date.now();
      try {
        await opts.onStep?.(e.Step, e);
        const left = opts.failures?.get(e.Step) ?? 0;
        if (left > 0) {
          opts.failures?.set(e.Step, left - 1);
          throw new Error(`injected failure in ${e.Step}`);
        }
        await run(e);
        return { ok: true, payload: 'null', logs: `ran ${e.Step}\n`, durationMs: Date.now() - started };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return {
          ok: false,
          functionError: 'Unhandled',
          payload: JSON.stringify({ errorMessage: message, errorType: 'Exception' }),
          errorMessage: message,
          logs: `failed ${e.Step}\n`,
          durationMs: Date.now() - started,
        };
      }
    },
  };
}
