/**
 * CLI start-up: wall time of `node bin/rotor.js --version` and of a `get-secret-value` against a local Rotor
 * (process start → exit, spawnSync), against bare `node -e 0`. Target (issue 6): each ≤ 300 ms.
 * hyperfine is not installed on this machine, hence spawnSync timing. Run `npm run build` first.
 *
 *   node --import tsx bench/cli-startup.ts [runs=20]
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ROTOR_BIN, startRotor } from '../test/helpers/process.js';

function time(cmd: string, args: string[], env: NodeJS.ProcessEnv, runs: number): number[] {
  const out: number[] = [];
  spawnSync(cmd, args, { env }); // warm the page cache
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
    out.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${String(r.status)}): ${r.stderr}`);
  }
  return out.sort((a, b) => a - b);
}

const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
const fmt = (xs: number[]) => `min ${q(xs, 0).toFixed(0)} ms, median ${q(xs, 0.5).toFixed(0)} ms, p90 ${q(xs, 0.9).toFixed(0)} ms`;

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 20);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const rotor = await startRotor({ logLevel: 'error' });
  try {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: '/nonexistent',
      AWS_ACCESS_KEY_ID: rotor.accessKeyId,
      AWS_SECRET_ACCESS_KEY: rotor.secretAccessKey,
      AWS_REGION: rotor.region,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      ROTOR_ENDPOINT_URL: rotor.url,
    };
    const sm = new SecretsManagerClient({ endpoint: rotor.url, region: rotor.region, credentials: { accessKeyId: rotor.accessKeyId, secretAccessKey: rotor.secretAccessKey } });
    await sm.send(new CreateSecretCommand({ Name: 'bench/startup', SecretString: 'value' }));
    sm.destroy();
    const node = time(process.execPath, ['-e', '0'], env, runs);
    const version = time(process.execPath, [ROTOR_BIN, '--version'], env, runs);
    const get = time(process.execPath, [ROTOR_BIN, 'get-secret-value', '--secret-id', 'bench/startup'], env, runs);
    const awsGet = time('/usr/bin/aws', ['--endpoint-url', rotor.url, 'secretsmanager', 'get-secret-value', '--secret-id', 'bench/startup'], env, Math.min(runs, 5));
    console.log(`runs: ${runs} (aws: ${Math.min(runs, 5)})`);
    console.log(`node -e 0                     ${fmt(node)}`);
    console.log(`rotor --version               ${fmt(version)}`);
    console.log(`rotor get-secret-value        ${fmt(get)}`);
    console.log(`aws (2.9.19) get-secret-value ${fmt(awsGet)}`);
  } finally {
    await rotor.stop('SIGTERM');
  }
}

await main();
