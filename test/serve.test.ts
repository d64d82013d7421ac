/**
 * `rotor serve` as a newcomer meets it: the bootstrap key generated and printed once, a config file, the
 * reset endpoint off unless enabled, HTTPS with a given certificate, a clean exit on SIGTERM, and a
 * usage error for bad configuration.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:https';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretsManagerClient, CreateSecretCommand, GetSecretValueCommand, ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { REPO_ROOT, ROTOR_BIN } from './helpers/process.js';

const work = mkdtempSync(join(tmpdir(), 'rotor-serve-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ROTOR_') && !k.startsWith('AWS_') && v !== undefined) env[k] = v;
  return { ...env, ...extra };
}

interface Started {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  exit: Promise<number | null>;
}

async function serve(args: string[], env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, [ROTOR_BIN, 'serve', '--port', '0', '--log-level', 'warn', ...args], { cwd: REPO_ROOT, env: cleanEnv(env) });
  children.push(child);
  let out = '';
  child.stdout?.setEncoding('utf8');
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL: ${out}`)), 15_000);
    child.stdout?.on('data', (d: string) => {
      out += d;
      const m = /Rotor listening on (https?:\/\/\S+)/.exec(out);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exit.then(() => reject(new Error(`exited: ${out}`)));
  });
  // Let the rest of the banner arrive.
  await new Promise((r) => setTimeout(r, 100));
  return { child, url, stdout: () => out, exit };
}

function clientFrom(stdout: string, url: string, extra: Partial<ConstructorParameters<typeof SecretsManagerClient>[0]> = {}) {
  const id = /AWS_ACCESS_KEY_ID=(\S+)/.exec(stdout)?.[1] ?? '';
  const secret = /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(stdout)?.[1] ?? '';
  return new SecretsManagerClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: id, secretAccessKey: secret }, maxAttempts: 1, ...extra });
}

describe('rotor serve', () => {
  it('generates the bootstrap admin key on first start, prints it once, and it works', async () => {
    const dir = join(work, 'first');
    const a = await serve(['--data-dir', dir]);
    expect(a.stdout()).toContain('Generated the bootstrap admin access key (shown only this once)');
    expect(a.stdout()).toMatch(/export AWS_ACCESS_KEY_ID=AKIA[A-Z2-7]{16}\n/);
    expect(a.stdout()).toContain(`export AWS_ENDPOINT_URL=${a.url}`);
    const sm = clientFrom(a.stdout(), a.url);
    await sm.send(new CreateSecretCommand({ Name: 'kept', SecretString: 'v' }));
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    a.child.kill('SIGTERM');
    expect(await a.exit).toBe(0);
    const b = await serve(['--data-dir', dir]);
    expect(b.stdout()).not.toContain('AWS_SECRET_ACCESS_KEY');
    const sm2 = clientFrom(a.stdout(), b.url);
    expect((await sm2.send(new GetSecretValueCommand({ SecretId: 'kept' }))).SecretString).toBe('v');
    b.child.kill('SIGTERM');
    expect(await b.exit).toBe(0);
  });

  it('reads a config file; the reset endpoint is off unless enabled', async () => {
    const cfg = join(work, 'cfg.json');
    writeFileSync(cfg, JSON.stringify({ accountId: '210987654321', credentials: [{ accessKeyId: 'AKIACONFIGKEY0000001', secretAccessKey: 'configsecret00000000000000000001', accountId: '210987654321' }] }));
    const a = await serve(['--memory', '--config', cfg]);
    const sm = new SecretsManagerClient({ endpoint: a.url, region: 'eu-west-1', credentials: { accessKeyId: 'AKIACONFIGKEY0000001', secretAccessKey: 'configsecret00000000000000000001' }, maxAttempts: 1 });
    const c = await sm.send(new CreateSecretCommand({ Name: 'cfg', SecretString: 'x' }));
    expect(c.ARN).toMatch(/^arn:aws:secretsmanager:eu-west-1:210987654321:secret:cfg-[A-Za-z0-9]{6}$/);
    const off = await fetch(`${a.url}/_rotor/reset`, { method: 'POST' });
    expect(off.status).toBeGreaterThanOrEqual(400);
    expect((await sm.send(new ListSecretsCommand({}))).SecretList).toHaveLength(1);
    a.child.kill('SIGTERM');
    await a.exit;

    const b = await serve(['--memory', '--config', cfg, '--enable-reset']);
    const sm2 = new SecretsManagerClient({ endpoint: b.url, region: 'eu-west-1', credentials: { accessKeyId: 'AKIACONFIGKEY0000001', secretAccessKey: 'configsecret00000000000000000001' }, maxAttempts: 1 });
    await sm2.send(new CreateSecretCommand({ Name: 'gone', SecretString: 'x' }));
    const on = await fetch(`${b.url}/_rotor/reset`, { method: 'POST' });
    expect(on.status).toBe(200);
    expect((await sm2.send(new ListSecretsCommand({}))).SecretList).toEqual([]);
    b.child.kill('SIGTERM');
    await b.exit;
  });

  it('serves HTTPS with a given certificate and key', async () => {
    const key = join(work, 'key.pem');
    const cert = join(work, 'cert.pem');
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=127.0.0.1', '-days', '1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const a = await serve(['--memory', '--tls-cert', cert, '--tls-key', key], { ROTOR_ADMIN_ACCESS_KEY_ID: 'AKIATLSTEST000000001', ROTOR_ADMIN_SECRET_ACCESS_KEY: 'tlssecret000000000000000000000001' });
    expect(a.url).toMatch(/^https:\/\//);
    const sm = new SecretsManagerClient({
      endpoint: a.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIATLSTEST000000001', secretAccessKey: 'tlssecret000000000000000000000001' },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca: (await import('node:fs')).readFileSync(cert) }) }),
    });
    const c = await sm.send(new CreateSecretCommand({ Name: 'tls', SecretString: 'over-tls' }));
    expect(c.Name).toBe('tls');
    a.child.kill('SIGTERM');
    expect(await a.exit).toBe(0);
  });

  it('refuses bad configuration with a usage error (exit 252)', () => {
    const r = spawnSync(process.execPath, [ROTOR_BIN, 'serve', '--memory', '--account-id', 'abc'], { cwd: REPO_ROOT, env: cleanEnv(), encoding: 'utf8', timeout: 15_000 });
    expect(r.status).toBe(252);
    expect(r.stderr).toContain('accountId must be 12 digits');
  });
});
