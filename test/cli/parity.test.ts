/**
 * Parity with the AWS CLI v2: the same command run with /usr/bin/aws (2.9.19, given the repository's model
 * in ~/.aws/models so both know the same members) and with `node bin/rotor.js` (run `npm run build` first)
 * against ONE Rotor process. stdout (json, text, table), stderr and exit codes must be equal after
 * normalising only what is random by nature: ARN suffixes, UUID version ids, dates. Commands that change
 * state run each CLI on the same fresh state (POST /_rotor/reset, then the same setup).
 *
 * Deliberate differences are asserted as such:
 * - the program name in usage errors (`aws … <subcommand>` vs `rotor`);
 * - a non-integer where an integer is expected: same message, but 252 (usage) instead of the AWS CLI's 255;
 * - `rotate-secret --generate-cli-skeleton output`: the AWS CLI fails on its own sample (spec §12.2), Rotor
 *   prints a valid sample.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, ROTOR_BIN, startRotor, type RotorProcess } from '../helpers/process.js';

const AWS = '/usr/bin/aws';
const work = mkdtempSync(join(tmpdir(), 'rotor-parity-'));
const home = join(work, 'home');
let rotor: RotorProcess;
let sm: SecretsManagerClient;
let fnArn = '';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function env(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    AWS_ACCESS_KEY_ID: rotor.accessKeyId,
    AWS_SECRET_ACCESS_KEY: rotor.secretAccessKey,
    AWS_REGION: rotor.region,
    AWS_DEFAULT_REGION: rotor.region,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

function run(cmd: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: env(), stdio: ['ignore', 'pipe', 'pipe'], cwd: work });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const endpointOf = (args: string[]) => (args.includes('--endpoint-url') ? [] : ['--endpoint-url', rotor.url]);
const aws = (args: string[]) => run(AWS, [...endpointOf(args), 'secretsmanager', ...args]);
const rotorCli = (args: string[]) => run(process.execPath, [ROTOR_BIN, ...endpointOf(args), ...args]);

const AWS_USAGE =
  'usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n';
const ROTOR_USAGE = 'usage: rotor [options] <command> [parameters]\nTo see help text, you can run:\n\n  rotor help\n  rotor <command> help\n';

const UUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
const ARN_SUFFIX = /(:secret:[A-Za-z0-9/_+=.@]+)-[A-Za-z0-9]{6}(?![A-Za-z0-9])/g;
const DATE = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{6})?[+-]\d\d:\d\d/g;

/** Replaces random values with placeholders of the same length (so table widths still compare). */
function normalise(s: string): string {
  return s
    .replace(AWS_USAGE, ROTOR_USAGE)
    .replace(/^aws: error:/gm, 'rotor: error:')
    .replace(UUID, (m) => '#'.repeat(m.length))
    .replace(ARN_SUFFIX, (_m, p: string) => `${p}-######`)
    .replace(DATE, (m) => 'D'.repeat(m.length));
}

/** Only when a date happens to fall on a whole second (no microseconds) do widths legitimately differ. */
function squeeze(s: string): string {
  return s.replace(/D+/g, 'D').replace(/ +/g, ' ').replace(/-+/g, '-');
}

function expectSame(a: Run, r: Run, label: string): void {
  const [as, rs] = [normalise(a.stdout), normalise(r.stdout)];
  const dateLens = (x: string) => (x.match(DATE) ?? []).map((d) => d.length).sort().join();
  if (as !== rs && dateLens(a.stdout) !== dateLens(r.stdout)) expect(squeeze(rs), `${label}: stdout`).toBe(squeeze(as));
  else expect(rs, `${label}: stdout`).toBe(as);
  expect(normalise(r.stderr), `${label}: stderr`).toBe(normalise(a.stderr));
  expect(r.status, `${label}: exit code`).toBe(a.status);
}

async function reset(): Promise<void> {
  const r = await fetch(`${rotor.url}/_rotor/reset`, { method: 'POST' });
  expect(r.status).toBe(200);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until no rotation is pending on the secret (so a reset does not cut one short). */
async function settle(id: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      const d = await sm.send(new DescribeSecretCommand({ SecretId: id }));
      const stages = Object.values(d.VersionIdsToStages ?? {});
      if (!stages.some((s) => s.includes('AWSPENDING'))) return;
    } catch {
      return;
    }
    await sleep(100);
  }
}

type Format = 'json' | 'text' | 'table';

interface Case {
  name: string;
  args: string[];
  formats?: Format[];
  /** Builds the state the command runs on; with `mutates` it runs again (after a reset) for the second CLI. */
  setup?: () => Promise<void>;
  mutates?: boolean;
  /** Secrets whose rotation must finish before the next reset. */
  settle?: string[];
  /** The exit code both must have (guards against two CLIs failing the same way where success is meant). */
  exit?: number | undefined;
}

async function compare(c: Case): Promise<void> {
  for (const f of c.formats ?? ['json']) {
    const args = c.formats === undefined ? c.args : [...c.args, '--output', f];
    if (c.setup !== undefined) {
      await reset();
      await c.setup();
    }
    const a = await aws(args);
    for (const s of c.settle ?? []) await settle(s);
    if (c.mutates === true && c.setup !== undefined) {
      await reset();
      await c.setup();
    }
    const r = await rotorCli(args);
    for (const s of c.settle ?? []) await settle(s);
    expectSame(a, r, `${c.name} [${f}]`);
    if (c.exit !== undefined) expect(a.status, `${c.name} [${f}]: ${a.stderr}`).toBe(c.exit);
  }
}

async function create(name: string, value = '{"username":"app","password":"initial"}', extra: Record<string, unknown> = {}): Promise<string> {
  const r = await sm.send(new CreateSecretCommand({ Name: name, SecretString: value, ...extra }));
  return r.ARN ?? '';
}

async function createRotated(name: string): Promise<void> {
  await create(name, '{"username":"app","password":"initial"}', { Description: 'rotated', Tags: [{ Key: 'env', Value: 'prod' }] });
  await sm.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: fnArn, RotationRules: { AutomaticallyAfterDays: 30 } }));
  await settle(name);
}

beforeAll(async () => {
  if (readFileSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'), 'utf8').length === 0) throw new Error('run npm run build');
  const modelDir = join(home, '.aws', 'models', 'secretsmanager', '2017-10-17');
  mkdirSync(modelDir, { recursive: true });
  copyFileSync(join(REPO_ROOT, 'model', 'secretsmanager-2017-10-17.service-2.json'), join(modelDir, 'service-2.json'));
  const config = join(work, 'config.json');
  writeFileSync(config, JSON.stringify({ rotation: { pollMs: 50, leaseMs: 1000, backoffBaseMs: 100, backoffMaxMs: 400, maxAttempts: 2 } }));
  rotor = await startRotor({ configFile: config, extraArgs: ['--enable-reset'] });
  sm = new SecretsManagerClient({
    endpoint: rotor.url,
    region: rotor.region,
    credentials: { accessKeyId: rotor.accessKeyId, secretAccessKey: rotor.secretAccessKey },
  });
  const zip = join(work, 'fn.zip');
  writeFileSync(zip, zipSync({ 'lambda_function.py': new Uint8Array(readFileSync(join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'lambda_function.py'))) }));
  const lambda = (args: string[]) => run(AWS, ['--endpoint-url', rotor.url, 'lambda', ...args, '--output', 'json']);
  const f = await lambda([
    'create-function', '--function-name', 'parity-rotation', '--runtime', 'python3.11', '--handler', 'lambda_function.lambda_handler',
    '--role', `arn:aws:iam::${rotor.accountId}:role/rotation`, '--zip-file', `fileb://${zip}`, '--environment', `Variables={MARKER_DIR=${work}}`,
  ]);
  if (f.status !== 0) throw new Error(`create-function failed: ${f.stderr}`);
  fnArn = String((JSON.parse(f.stdout) as { FunctionArn: string }).FunctionArn);
  const p = await lambda(['add-permission', '--function-name', 'parity-rotation', '--statement-id', 'sm', '--action', 'lambda:InvokeFunction', '--principal', 'secretsmanager.amazonaws.com']);
  if (p.status !== 0) throw new Error(`add-permission failed: ${p.stderr}`);
  writeFileSync(join(work, 'rotate-input.json'), JSON.stringify({ SecretId: 'p/rot', RotationRules: { AutomaticallyAfterDays: 7 } }));
  writeFileSync(join(work, 'value.bin'), Buffer.from([0, 1, 2, 250, 251, 252]));
}, 120_000);

afterAll(async () => {
  sm?.destroy();
  await rotor?.stop('SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

const ALL: Format[] = ['json', 'text', 'table'];
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Exit codes expected for the rotate-secret cases, by name. */
function expectedExit(name: string): number {
  if (/^(function|shorthand|rate|AutomaticallyAfterDays|stored|--cli-input-json, with|skeleton \(|skeleton input|skeleton yaml)/.test(name)) return 0;
  if (/no such secret|no function|service side|--secret-id wins/.test(name)) return 254;
  if (/unreachable/.test(name)) return 255;
  return 252;
}
const rotSetup = async () => void (await create('p/rot'));

describe('rotate-secret (every option of the seed)', () => {
  const cases: Case[] = [
    {
      name: 'function + JSON rules (cron, window)',
      args: ['rotate-secret', '--secret-id', 'p/rot', '--rotation-lambda-arn', '@FN', '--rotation-rules', '{"ScheduleExpression": "cron(0 16 1,15 * ? *)", "Duration": "2h"}'],
      formats: ALL,
      setup: rotSetup,
      mutates: true,
      settle: ['p/rot'],
    },
    {
      name: 'shorthand rules with a quoted cron, explicit token',
      args: ['rotate-secret', '--secret-id', 'p/rot', '--client-request-token', 'parity-token-0000000000000000000001', '--rotation-lambda-arn', '@FN', '--rotation-rules', 'ScheduleExpression="cron(0 16 1,15 * ? *)",Duration=2h'],
      formats: ALL,
      setup: rotSetup,
      mutates: true,
      settle: ['p/rot'],
    },
    {
      name: 'rate() and --no-rotate-immediately',
      args: ['rotate-secret', '--secret-id', 'p/rot', '--rotation-lambda-arn', '@FN', '--rotation-rules', 'ScheduleExpression=rate(10 days)', '--no-rotate-immediately'],
      setup: rotSetup,
      mutates: true,
      settle: ['p/rot'],
    },
    {
      name: 'AutomaticallyAfterDays shorthand and --rotate-immediately',
      args: ['rotate-secret', '--secret-id', 'p/rot', '--rotation-lambda-arn', '@FN', '--rotation-rules', 'AutomaticallyAfterDays=30', '--rotate-immediately'],
      setup: rotSetup,
      mutates: true,
      settle: ['p/rot'],
    },
    { name: 'stored configuration (only --secret-id)', args: ['rotate-secret', '--secret-id', 'p/rr'], setup: () => createRotated('p/rr'), mutates: true, settle: ['p/rr'] },
    {
      name: '--cli-input-json, with the function from the command line',
      args: ['rotate-secret', '--cli-input-json', '{"SecretId": "p/rot", "RotationRules": {"AutomaticallyAfterDays": 7}}', '--rotation-lambda-arn', '@FN'],
      setup: rotSetup,
      mutates: true,
      settle: ['p/rot'],
    },
    {
      name: '--cli-input-json file://, command-line --secret-id wins',
      args: ['rotate-secret', '--cli-input-json', 'file://rotate-input.json', '--secret-id', 'p/other', '--rotation-lambda-arn', '@FN'],
      setup: rotSetup,
    },
    { name: 'skeleton (no value)', args: ['rotate-secret', '--generate-cli-skeleton'] },
    { name: 'skeleton input', args: ['rotate-secret', '--generate-cli-skeleton', 'input'] },
    { name: 'skeleton yaml-input', args: ['rotate-secret', '--generate-cli-skeleton', 'yaml-input'] },
    { name: 'skeleton output without --secret-id', args: ['rotate-secret', '--generate-cli-skeleton', 'output'] },
    { name: 'missing --secret-id', args: ['rotate-secret', '--rotation-lambda-arn', 'x'] },
    { name: 'unknown options', args: ['rotate-secret', '--secret-id', 'x', '--bogus', '1', 'two'] },
    { name: 'option without its value', args: ['rotate-secret', '--secret-id'] },
    { name: 'unquoted cron list (local validation)', args: ['rotate-secret', '--secret-id', 'p/rot', '--rotation-rules', 'ScheduleExpression=cron(0 16 1,15 * ? *)'] },
    { name: 'unknown rules key', args: ['rotate-secret', '--secret-id', 'p/rot', '--rotation-rules', 'Days=3'] },
    { name: 'bad JSON rules', args: ['rotate-secret', '--secret-id', 'p/rot', '--rotation-rules', '{"AutomaticallyAfterDays": 3,}'] },
    { name: 'bad --cli-input-json', args: ['rotate-secret', '--cli-input-json', '{"SecretId": '] },
    { name: 'no such secret', args: ['rotate-secret', '--secret-id', 'p/none'] },
    { name: 'no function configured', args: ['rotate-secret', '--secret-id', 'p/rot'], setup: rotSetup },
    { name: 'rules invalid on the service side', args: ['rotate-secret', '--secret-id', 'p/rot', '--rotation-lambda-arn', '@FN', '--rotation-rules', 'AutomaticallyAfterDays=5000'], setup: rotSetup },
    { name: 'unreachable endpoint', args: ['rotate-secret', '--secret-id', 'p/rot', '--endpoint-url', 'http://127.0.0.1:9'] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await compare({ ...c, args: c.args.map((a) => (a === '@FN' ? fnArn : a)), exit: c.exit ?? expectedExit(c.name) });
    }, 120_000);
  }

  it('known difference: a non-integer is a usage error (252) in Rotor, 255 in the AWS CLI, with the same message', async () => {
    const args = ['rotate-secret', '--secret-id', 'p/rot', '--rotation-rules', 'AutomaticallyAfterDays=abc'];
    const [a, r] = [await aws(args), await rotorCli(args)];
    expect(r.stderr).toBe(a.stderr);
    expect(r.stderr).toBe("\ninvalid literal for int() with base 10: 'abc'\n");
    expect([a.status, r.status]).toEqual([255, 252]);
  }, 60_000);

  it('known difference: --generate-cli-skeleton output fails in the AWS CLI (spec §12.2), Rotor prints a valid sample', async () => {
    const args = ['rotate-secret', '--secret-id', 'p/rot', '--generate-cli-skeleton', 'output'];
    const [a, r] = [await aws(args), await rotorCli(args)];
    expect(a.status).toBe(252);
    expect(a.stderr).toContain('Invalid length for parameter ARN, value: 3, valid min length: 20');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ARN: 'ARN-----------------', Name: 'Name', VersionId: 'VersionId-----------------------' });
    // Where the AWS CLI's sample is valid, both print the same.
    await compare({ name: 'get-random-password skeleton output', args: ['get-random-password', '--generate-cli-skeleton', 'output'], formats: ALL });
  }, 60_000);
});

describe('create-secret, get-secret-value, put-secret-value', () => {
  const cases: Case[] = [
    {
      name: 'create-secret with tags (shorthand) and description',
      args: ['create-secret', '--name', 'p/new', '--secret-string', 's3cret', '--description', 'made by parity', '--tags', 'Key=env,Value=prod', 'Key=team,Value=core'],
      formats: ALL,
      setup: async () => undefined,
      mutates: true,
    },
    { name: 'create-secret binary from fileb://', args: ['create-secret', '--name', 'p/bin', '--secret-binary', 'fileb://value.bin', '--client-request-token', 'parity-create-token-00000000000000001'], setup: async () => undefined, mutates: true },
    { name: 'create-secret that exists', args: ['create-secret', '--name', 'p/a', '--secret-string', 'x'], setup: async () => void (await create('p/a')) },
    { name: 'create-secret without --name', args: ['create-secret', '--secret-string', 'x'] },
    { name: 'get-secret-value', args: ['get-secret-value', '--secret-id', 'p/a'], formats: ALL, setup: async () => void (await create('p/a', 'línea "1"\tcon tab')) },
    {
      name: 'get-secret-value of a binary secret, AWSPREVIOUS',
      args: ['get-secret-value', '--secret-id', 'p/b', '--version-stage', 'AWSPREVIOUS'],
      formats: ALL,
      setup: async () => {
        await sm.send(new CreateSecretCommand({ Name: 'p/b', SecretBinary: new Uint8Array([1, 2, 3, 255]) }));
        await sm.send(new PutSecretValueCommand({ SecretId: 'p/b', SecretString: 'second' }));
      },
    },
    { name: 'get-secret-value --query --output text', args: ['get-secret-value', '--secret-id', 'p/a', '--query', 'SecretString', '--output', 'text'], setup: async () => void (await create('p/a')) },
    { name: 'get-secret-value of a missing secret', args: ['get-secret-value', '--secret-id', 'p/missing'] },
    {
      name: 'put-secret-value with stages and a token',
      args: ['put-secret-value', '--secret-id', 'p/a', '--secret-string', 'v2', '--version-stages', 'STAGE1', 'STAGE2', '--client-request-token', 'parity-put-token-0000000000000000001'],
      formats: ALL,
      setup: async () => void (await create('p/a')),
      mutates: true,
    },
    { name: 'put-secret-value (AWSCURRENT)', args: ['put-secret-value', '--secret-id', 'p/a', '--secret-string', 'v2'], setup: async () => void (await create('p/a')), mutates: true },
    { name: 'put-secret-value with an invalid base64 blob', args: ['put-secret-value', '--secret-id', 'p/a', '--secret-binary', 'not-base64'] },
    { name: 'put-secret-value with a short token', args: ['put-secret-value', '--secret-id', 'p/a', '--secret-string', 'v', '--client-request-token', 'short'] },
  ];
  for (const c of cases) it(c.name, async () => compare({ ...c, exit: c.exit ?? (/missing|exists|short token|invalid|not found|without/.test(c.name) ? undefined : 0) }), 120_000);
});

describe('list-secrets (filters, pagination) and describe-secret', () => {
  const setup = async () => {
    await create('p/one', 'x', { Description: 'first', Tags: [{ Key: 'env', Value: 'prod' }] });
    await create('p/two', 'y', { Tags: [{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'core' }] });
    await create('q/three', 'z');
    await createRotated('p/rotated');
  };
  beforeAll(async () => {
    await reset();
    await setup();
  }, 60_000);
  const cases: Case[] = [
    { name: 'list-secrets', args: ['list-secrets'], formats: ALL },
    { name: 'filter by name', args: ['list-secrets', '--filters', 'Key=name,Values=p/'], formats: ALL },
    { name: 'filter by tag key and value (JSON)', args: ['list-secrets', '--filters', '[{"Key":"tag-key","Values":["env"]},{"Key":"tag-value","Values":["prod"]}]'] },
    { name: 'sort order', args: ['list-secrets', '--sort-order', 'asc', '--query', 'SecretList[].Name'], formats: ALL },
    { name: '--max-items', args: ['list-secrets', '--max-items', '1'], formats: ALL },
    { name: '--page-size and --max-items', args: ['list-secrets', '--page-size', '1', '--max-items', '3'], formats: ALL },
    { name: '--page-size only', args: ['list-secrets', '--page-size', '2', '--query', 'SecretList[].Name'], formats: ['json', 'text'] },
    { name: '--no-paginate with --max-results', args: ['list-secrets', '--no-paginate', '--max-results', '2', '--query', 'length(SecretList)'] },
    { name: '--no-paginate with --max-items', args: ['list-secrets', '--no-paginate', '--max-items', '2'], exit: 252 },
    { name: 'query on a paged text output', args: ['list-secrets', '--max-items', '2', '--query', 'SecretList[].Name', '--output', 'text'] },
    { name: 'JMESPath legacy literal', args: ['list-secrets', '--query', 'SecretList[?starts_with(Name, `p/`)].Name'] },
    { name: 'describe-secret of a rotated secret', args: ['describe-secret', '--secret-id', 'p/rotated'], formats: ALL },
    { name: 'describe-secret with tags', args: ['describe-secret', '--secret-id', 'p/two'], formats: ALL },
    { name: 'describe-secret by partial ARN is not found', args: ['describe-secret', '--secret-id', 'p/nothing'] },
  ];
  for (const c of cases) it(c.name, async () => compare({ ...c, exit: c.exit ?? (/missing|exists|short token|invalid|not found|without/.test(c.name) ? undefined : 0) }), 120_000);

  it('--starting-token: each CLI resumes from the same token', async () => {
    const first = await aws(['list-secrets', '--max-items', '2', '--output', 'json']);
    const token = String((JSON.parse(first.stdout) as { NextToken: string }).NextToken);
    for (const f of ALL) await compare({ name: 'starting token', args: ['list-secrets', '--starting-token', token, '--max-items', '1', '--output', f] });
    await compare({ name: 'starting token to the end', args: ['list-secrets', '--starting-token', token] });
  }, 120_000);
});

describe('update-secret-version-stage', () => {
  const setup = async () => {
    await sm.send(new CreateSecretCommand({ Name: 'p/s', SecretString: 'v1', ClientRequestToken: 'parity-v1-00000000000000000000000001' }));
    await sm.send(new PutSecretValueCommand({ SecretId: 'p/s', SecretString: 'v2', ClientRequestToken: 'parity-v2-00000000000000000000000001', VersionStages: ['BLUE'] }));
  };
  const cases: Case[] = [
    {
      name: 'move AWSCURRENT',
      args: ['update-secret-version-stage', '--secret-id', 'p/s', '--version-stage', 'AWSCURRENT', '--move-to-version-id', 'parity-v2-00000000000000000000000001', '--remove-from-version-id', 'parity-v1-00000000000000000000000001'],
      formats: ALL,
      setup,
      mutates: true,
    },
    { name: 'add a custom label', args: ['update-secret-version-stage', '--secret-id', 'p/s', '--version-stage', 'GREEN', '--move-to-version-id', 'parity-v1-00000000000000000000000001'], setup, mutates: true },
    { name: 'remove a label', args: ['update-secret-version-stage', '--secret-id', 'p/s', '--version-stage', 'BLUE', '--remove-from-version-id', 'parity-v2-00000000000000000000000001'], setup, mutates: true },
    { name: 'AWSCURRENT without RemoveFromVersionId', args: ['update-secret-version-stage', '--secret-id', 'p/s', '--version-stage', 'AWSCURRENT', '--move-to-version-id', 'parity-v2-00000000000000000000000001'], setup },
    { name: 'missing --version-stage', args: ['update-secret-version-stage', '--secret-id', 'p/s'] },
    { name: 'then describe-secret shows the stages', args: ['describe-secret', '--secret-id', 'p/s', '--query', 'VersionIdsToStages'], formats: ALL, setup },
  ];
  for (const c of cases) it(c.name, async () => compare({ ...c, exit: c.exit ?? (/missing|exists|short token|invalid|not found|without/.test(c.name) ? undefined : 0) }), 120_000);
});
