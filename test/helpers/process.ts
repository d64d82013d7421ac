/**
 * Runs Rotor as a real child process (`node bin/rotor.js serve …`, compiled code in dist/: run `npm run build`
 * first), for conformance and robustness tests that need real clients, real signals and a real data dir.
 *
 * - startRotor(): spawns `rotor serve --port 0`, parses `Rotor listening on <url>` from stdout, waits for
 *   /health, collects stdout/stderr; stop('SIGTERM' | 'SIGKILL'); restart() on the same data dir.
 * - startTarget(): what a conformance suite talks to. With ROTOR_TEST_ENDPOINT set (plus
 *   ROTOR_TEST_ACCESS_KEY_ID, ROTOR_TEST_SECRET_ACCESS_KEY, ROTOR_TEST_REGION) no process is started and the
 *   suite runs against that endpoint instead; otherwise a fresh in-memory Rotor process is started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const ROTOR_BIN = join(REPO_ROOT, 'bin', 'rotor.js');

export const PROC_KEY_ID = 'AKIAPROCTEST00000001';
export const PROC_SECRET = 'procTestSecretKey/00000000000000000000001';
export const PROC_ACCOUNT = '123456789012';
export const PROC_REGION = 'us-east-1';

export interface StartOptions {
  /** Persist in this directory; omitted ⇒ --memory. */
  dataDir?: string;
  /** --config file. */
  configFile?: string;
  accountId?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  logLevel?: string;
  extraArgs?: string[];
  /** Extra environment for the child (ROTOR_* from the parent environment are never inherited). */
  env?: Record<string, string>;
  /** How long to wait for the listening line and /health. */
  startTimeoutMs?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RotorProcess {
  readonly url: string;
  readonly pid: number;
  readonly options: StartOptions;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly accountId: string;
  readonly region: string;
  stdout(): string;
  stderr(): string;
  /** True until the process has exited. */
  running(): boolean;
  /** Sends the signal and waits for the exit (SIGKILL after `timeoutMs` if SIGTERM did not end it). */
  stop(signal?: 'SIGTERM' | 'SIGKILL', timeoutMs?: number): Promise<ExitInfo>;
  /** Stops (if needed, with `signal`) and starts a new process with the same options (same data dir). */
  restart(signal?: 'SIGTERM' | 'SIGKILL'): Promise<RotorProcess>;
}

/** Every child still running; SIGKILLed if the test process exits without stopping them. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** Stops every Rotor process this test process started and that still runs (for afterAll hooks). */
export async function stopAllRotors(signal: 'SIGTERM' | 'SIGKILL' = 'SIGKILL'): Promise<void> {
  await Promise.all(
    [...live].map(
      (c) =>
        new Promise<void>((resolve) => {
          c.once('exit', () => resolve());
          c.kill(signal);
        }),
    ),
  );
}

function childEnv(opts: StartOptions, keyId: string, secret: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ROTOR_') && v !== undefined) env[k] = v;
  env.ROTOR_ADMIN_ACCESS_KEY_ID = keyId;
  env.ROTOR_ADMIN_SECRET_ACCESS_KEY = secret;
  return { ...env, ...(opts.env ?? {}) };
}

async function waitHealthy(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      if (r.status === 200) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`rotor at ${url} did not become healthy`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startRotor(opts: StartOptions = {}): Promise<RotorProcess> {
  if (!existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before these tests');
  }
  const keyId = opts.accessKeyId ?? PROC_KEY_ID;
  const secret = opts.secretAccessKey ?? PROC_SECRET;
  const accountId = opts.accountId ?? PROC_ACCOUNT;
  const args = [ROTOR_BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--log-level', opts.logLevel ?? 'warn', '--account-id', accountId];
  if (opts.dataDir !== undefined) args.push('--data-dir', opts.dataDir);
  else args.push('--memory');
  if (opts.configFile !== undefined) args.push('--config', opts.configFile);
  args.push(...(opts.extraArgs ?? []));

  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: childEnv(opts, keyId, secret),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  let err = '';
  let exit: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((res) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      exit = { code, signal };
      res(exit);
    });
  });
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    err += d;
  });
  const timeout = opts.startTimeoutMs ?? 15_000;
  const deadline = Date.now() + timeout;
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`rotor did not print its URL within ${timeout} ms; stdout=${out} stderr=${err}`));
    }, timeout);
    child.stdout?.on('data', (d: string) => {
      out += d;
      const m = /Rotor listening on (https?:\/\/[^\s]+)/.exec(out);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        res(m[1]);
      }
    });
    void exited.then((e) => {
      clearTimeout(timer);
      rej(new Error(`rotor exited early (code ${String(e.code)}, signal ${String(e.signal)}); stdout=${out} stderr=${err}`));
    });
  });
  await waitHealthy(url, deadline);

  const proc: RotorProcess = {
    url,
    pid: child.pid ?? -1,
    options: opts,
    accessKeyId: keyId,
    secretAccessKey: secret,
    accountId,
    region: PROC_REGION,
    stdout: () => out,
    stderr: () => err,
    running: () => exit === undefined,
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      if (exit !== undefined) return exit;
      child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const e = await exited;
      clearTimeout(t);
      return e;
    },
    async restart(signal = 'SIGTERM') {
      await proc.stop(signal);
      return startRotor(opts);
    },
  };
  return proc;
}

/** A fresh temporary directory (removed by the returned cleanup). */
export function tempDir(prefix = 'rotor-test-'): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TestTarget {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Known only when we started the process. */
  accountId?: string;
  /** True when ROTOR_TEST_ENDPOINT is used. */
  external: boolean;
  /** A short random prefix for names, so runs never collide on a shared endpoint. */
  prefix: string;
  process?: RotorProcess;
  close(): Promise<void>;
}

/** The endpoint a conformance suite runs against: ROTOR_TEST_ENDPOINT if set, else a new in-memory process. */
export async function startTarget(opts: StartOptions = {}): Promise<TestTarget> {
  const prefix = `ct${randomBytes(4).toString('hex')}`;
  const external = process.env.ROTOR_TEST_ENDPOINT;
  if (external !== undefined && external !== '') {
    return {
      endpoint: external.replace(/\/+$/, ''),
      accessKeyId: process.env.ROTOR_TEST_ACCESS_KEY_ID ?? PROC_KEY_ID,
      secretAccessKey: process.env.ROTOR_TEST_SECRET_ACCESS_KEY ?? PROC_SECRET,
      region: process.env.ROTOR_TEST_REGION ?? PROC_REGION,
      external: true,
      prefix,
      close: async () => undefined,
    };
  }
  const proc = await startRotor(opts);
  return {
    endpoint: proc.url,
    accessKeyId: proc.accessKeyId,
    secretAccessKey: proc.secretAccessKey,
    region: proc.region,
    accountId: proc.accountId,
    external: false,
    prefix,
    process: proc,
    async close() {
      const e = await proc.stop('SIGTERM');
      if (e.code !== 0) throw new Error(`rotor did not exit cleanly on SIGTERM: ${JSON.stringify(e)}; stderr=${proc.stderr()}`);
    },
  };
}
