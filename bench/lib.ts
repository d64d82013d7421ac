/**
 * Shared helpers for the benchmarks: building, starting the real server (`node bin/rotor.js serve`) pinned
 * to one core, a SigV4-signing HTTP client over a keep-alive agent, a wrk runner, statistics and tables.
 *
 * Every wait is bounded in time, every loop in count; only 127.0.0.1 is ever contacted. Child processes
 * started here are remembered by pid and killed (by pid) if the benchmark exits early.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { signRequest } from '../src/auth/sigv4.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const HOST = '127.0.0.1';
export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';
export const ADMIN = { accessKeyId: 'AKIAROTORBENCH000001', secretAccessKey: 'rotorbenchsecretaccesskey000000000000001' };
/** The server gets core 0, the load generator (this process, wrk) core 1. */
export const SERVER_CPU = '0';
export const CLIENT_CPU = '1';

// ---- process bookkeeping ------------------------------------------------------------------------------

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

function killChild(c: ChildProcess, signal: NodeJS.Signals): void {
  if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) {
    try {
      process.kill(c.pid, signal);
    } catch {
      // already gone
    }
  }
}

process.on('exit', () => {
  for (const c of children) killChild(c, 'SIGKILL');
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => process.exit(130));
}

export function track(c: ChildProcess): ChildProcess {
  children.add(c);
  c.once('exit', () => children.delete(c));
  return c;
}

export function tempDir(label: string): string {
  const d = mkdtempSync(join(tmpdir(), `rotor-bench-${label}-`));
  tempDirs.add(d);
  return d;
}

export function removeDir(d: string): void {
  rmSync(d, { recursive: true, force: true });
  tempDirs.delete(d);
}

/** True when the module at `url` is the one node was started with (each bench file is runnable alone). */
export function isMain(url: string): boolean {
  const arg = process.argv[1];
  return arg !== undefined && pathToFileURL(arg).href === url;
}

let built = false;
/** Set when `npm run build` reported errors but tsc still emitted dist/ (shown with the results). */
export let buildWarning: string | undefined;
/**
 * `npm run build` once per process (skip with BENCH_NO_BUILD=1): the server runs from dist/. Several people
 * work in this tree; if the build reports type errors elsewhere, tsc still emits dist/ (noEmitOnError is
 * off), so the run goes on with a warning instead of measuring nothing.
 */
export function ensureBuilt(): void {
  if (built || process.env.BENCH_NO_BUILD === '1') return;
  log('building (npm run build)…');
  try {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit', timeout: 180_000 });
  } catch (e) {
    if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw e;
    buildWarning = 'npm run build reported type errors (printed above); tsc still emitted dist/, which was measured';
    log(`warning: ${buildWarning}`);
  }
  built = true;
}

let pinned = false;
/** Moves every thread of this process to the client core, so it never competes with the server. */
export function pinSelf(): void {
  if (pinned) return;
  try {
    execFileSync('taskset', ['-a', '-cp', CLIENT_CPU, String(process.pid)], { stdio: 'ignore', timeout: 5000 });
    pinned = true;
  } catch {
    log('warning: taskset failed; the load generator is not pinned');
  }
}

export function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  return env;
}

// ---- the server -----------------------------------------------------------------------------------------

export interface Rotor {
  pid: number;
  port: number;
  /** ms from spawn to the "listening" line on stdout. */
  listeningMs: number;
  proc: ChildProcess;
  stop(): Promise<void>;
  /** What the server wrote to stderr so far (the last ~50 kB). */
  stderr(): string;
}

export interface RotorOptions {
  dataDir: string;
  synchronous?: 'FULL' | 'NORMAL';
  /** Default 30 s (a cold start must be far below; this only bounds a hung start). */
  timeoutMs?: number;
}

export function rotorCommand(o: RotorOptions): string[] {
  const args = ['taskset', '-c', SERVER_CPU, 'node', 'bin/rotor.js', 'serve', '--port', '0', '--data-dir', o.dataDir, '--log-level', 'warn'];
  if (o.synchronous !== undefined) args.push('--synchronous', o.synchronous);
  return args;
}

/** Spawns `node bin/rotor.js serve --port 0 …` on the server core; resolves when it prints its URL. */
export function startRotor(o: RotorOptions): Promise<Rotor> {
  const [cmd, ...args] = rotorCommand(o);
  const t0 = performance.now();
  const proc = track(
    spawn(cmd ?? 'taskset', args.map((a) => (a === 'node' ? process.execPath : a)), {
      cwd: ROOT,
      env: childEnv({ ROTOR_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId, ROTOR_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey }),
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  return waitForListening(proc, t0, o.timeoutMs ?? 30_000, /Rotor listening on http:\/\/127\.0\.0\.1:(\d+)/);
}

export function waitForListening(proc: ChildProcess, t0: number, timeoutMs: number, pattern: RegExp): Promise<Rotor> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      killChild(proc, 'SIGKILL');
      reject(new Error(`server did not start within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`));
    }, timeoutMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${String(code)}) before listening; stderr: ${err.slice(-2000)}`));
    };
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (d: string) => {
      err += d;
      if (err.length > 100_000) err = err.slice(-50_000);
    });
    proc.stdout?.setEncoding('utf8');
    const onData = (d: string) => {
      out += d;
      const m = pattern.exec(out);
      if (!m?.[1]) return;
      const listeningMs = performance.now() - t0;
      clearTimeout(timer);
      proc.off('exit', onExit);
      proc.stdout?.off('data', onData);
      proc.stdout?.resume();
      const pid = proc.pid;
      if (pid === undefined) {
        reject(new Error('no pid'));
        return;
      }
      resolve({ pid, port: Number(m[1]), listeningMs, proc, stop: () => stopChild(proc), stderr: () => err });
    };
    proc.stdout?.on('data', onData);
    proc.once('exit', onExit);
  });
}

const BARE_SERVER = `
import http from 'node:http';
import { readFileSync } from 'node:fs';
const body = readFileSync(process.env.BARE_BODY_FILE ?? '/dev/null');
const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': body.length, 'x-amzn-requestid': '00000000-0000-4000-8000-000000000000' });
    res.end(body);
  });
});
server.keepAliveTimeout = 65000;
server.listen(0, '127.0.0.1', () => process.stdout.write('bare listening on http://127.0.0.1:' + server.address().port + '\\n'));
process.on('SIGTERM', () => process.exit(0));
`;

/**
 * The baseline server: bare node:http on the server core, answering every request with `body` as a
 * constant (same content type and headers as Rotor's answers).
 */
export async function startBare(body: string): Promise<Rotor> {
  const dir = tempDir('bare');
  const file = join(dir, 'body.json');
  writeFileSync(file, body);
  const t0 = performance.now();
  const proc = track(
    spawn('taskset', ['-c', SERVER_CPU, process.execPath, '--input-type=module', '-e', BARE_SERVER], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', BARE_BODY_FILE: file },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  try {
    return await waitForListening(proc, t0, 10_000, /bare listening on http:\/\/127\.0\.0\.1:(\d+)/);
  } finally {
    removeDir(dir);
  }
}

/** SIGTERM, then SIGKILL after 5 s. */
export function stopChild(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => killChild(proc, 'SIGKILL'), 5000);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    killChild(proc, 'SIGTERM');
  });
}

/** VmRSS / VmHWM of a process in MiB, from /proc/<pid>/status. */
export function memoryOf(pid: number): { rssMiB: number; hwmMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 'NaN');
  return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 };
}

/** User + system CPU seconds used so far by a process (from /proc/<pid>/stat, USER_HZ = 100). */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ", field 3 (state) is index 0; utime is field 14 ⇒ index 11, stime index 12.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Runs `op(i)` from `concurrency` loops until `durationS` has passed or `maxOps` were started.
 * Returns the completed count, the elapsed wall time and every latency.
 */
export async function closedLoop(
  concurrency: number,
  durationS: number,
  maxOps: number,
  op: (i: number) => Promise<CallResult>,
): Promise<{ ops: number; errors: number; elapsedS: number; latencies: number[]; foreignCores: number; firstError?: string }> {
  const r = await withForeignLoad(() => closedLoopOnce(concurrency, durationS, maxOps, op));
  return { ...r.result, foreignCores: r.foreignCores };
}

async function closedLoopOnce(
  concurrency: number,
  durationS: number,
  maxOps: number,
  op: (i: number) => Promise<CallResult>,
): Promise<{ ops: number; errors: number; elapsedS: number; latencies: number[]; firstError?: string }> {
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const deadline = t0 + durationS * 1000;
  const worker = async () => {
    while (performance.now() < deadline && issued < maxOps) {
      const i = issued++;
      let r: CallResult;
      try {
        r = await op(i);
      } catch (e) {
        r = { status: 0, body: {}, text: e instanceof Error ? e.message : String(e), ms: NaN };
      }
      if (r.status === 200) latencies.push(r.ms);
      else {
        errors++;
        firstError ??= `${r.status} ${r.text.slice(0, 200)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedS = (performance.now() - t0) / 1000;
  return { ops: latencies.length, errors, elapsedS, latencies, ...(firstError !== undefined ? { firstError } : {}) };
}

// ---- other load on the machine -----------------------------------------------------------------------

/** Busy CPU ticks (all cores) from /proc/stat. */
function machineBusyTicks(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.split(/\s+/).slice(1).map(Number) ?? [];
  // user nice system idle iowait irq softirq steal
  return (cpu[0] ?? 0) + (cpu[1] ?? 0) + (cpu[2] ?? 0) + (cpu[5] ?? 0) + (cpu[6] ?? 0) + (cpu[7] ?? 0);
}

/** CPU ticks of this process plus its reaped children (cutime/cstime) plus the live children we started. */
function ourTicks(): number {
  let t = 0;
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    t = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  } catch {
    return 0;
  }
  for (const c of children) {
    if (c.pid === undefined || c.exitCode !== null || c.signalCode !== null) continue;
    try {
      t += cpuSecondsOf(c.pid) * 100;
    } catch {
      // exited in between; its time is in cutime once reaped
    }
  }
  return t;
}

/**
 * Measures CPU used on the machine by processes other than ours (this process, its children) while `fn`
 * runs, in cores (0–2 on this machine). Other engineers' test runs share the machine; a section measured
 * while they were busy is flagged rather than trusted.
 */
export async function withForeignLoad<T>(fn: () => Promise<T>): Promise<{ result: T; foreignCores: number }> {
  const t0 = performance.now();
  const m0 = machineBusyTicks();
  const o0 = ourTicks();
  const result = await fn();
  const foreign = machineBusyTicks() - m0 - (ourTicks() - o0);
  const s = (performance.now() - t0) / 1000;
  return { result, foreignCores: Math.max(0, foreign / 100 / s) };
}

/** CPU used by everything but this process over one second, in cores. */
export async function idleLoad(): Promise<number> {
  const r = await withForeignLoad(() => sleep(1000));
  return r.foreignCores;
}

/** Seconds left for waiting on other processes, shared by the whole run (BENCH_QUIET_WAIT_S, default 90). */
let quietBudgetS = Number(process.env.BENCH_QUIET_WAIT_S ?? 90);

/**
 * Waits until the rest of the machine uses less than `threshold` cores for one second, so that the
 * measurement does not share the cores with someone else's test run; the waiting comes out of a budget for
 * the whole run, so the run stays bounded. Returns the load seen last.
 */
export async function waitForQuiet(label: string, threshold = 0.15): Promise<number> {
  const t0 = performance.now();
  let load = await idleLoad();
  if (load > threshold && quietBudgetS > 0) {
    log(`${label}: the machine is busy (${fmt(load)} cores used by other processes); waiting up to ${fmt(quietBudgetS, 0)} s`);
  }
  while (load > threshold && quietBudgetS - (performance.now() - t0) / 1000 > 0) {
    await sleep(2000);
    load = await idleLoad();
  }
  quietBudgetS = Math.max(0, quietBudgetS - (performance.now() - t0) / 1000);
  if (load > threshold) log(`${label}: still busy (${fmt(load)} cores); measuring anyway, the numbers are flagged`);
  return load;
}

// ---- a signing client ---------------------------------------------------------------------------------

export interface CallResult {
  status: number;
  body: Record<string, unknown>;
  text: string;
  /** Round trip, from writing the request to the end of the response (signing not included). */
  ms: number;
}

export function signedHeaders(port: number, op: string, body: string, now?: Date): Record<string, string> {
  return signRequest({
    method: 'POST',
    host: `${HOST}:${port}`,
    path: '/',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `secretsmanager.${op}` },
    body,
    accessKeyId: ADMIN.accessKeyId,
    secretAccessKey: ADMIN.secretAccessKey,
    region: REGION,
    service: 'secretsmanager',
    ...(now ? { now } : {}),
  });
}

export class Client {
  private readonly agent: http.Agent;
  constructor(
    readonly port: number,
    connections = 1,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  }

  call(op: string, input: Record<string, unknown>, timeoutMs = 10_000): Promise<CallResult> {
    const body = JSON.stringify(input);
    const headers = signedHeaders(this.port, op, body);
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request(
        { host: HOST, port: this.port, method: 'POST', path: '/', agent: this.agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const ms = performance.now() - t0;
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = {};
            try {
              parsed = text === '' ? {} : JSON.parse(text);
            } catch {
              parsed = {};
            }
            const obj = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
            resolve({ status: res.statusCode ?? 0, body: obj, text, ms });
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${op} timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Like call, but throws unless the status is 200. */
  async ok(op: string, input: Record<string, unknown>): Promise<CallResult> {
    const r = await this.call(op, input);
    if (r.status !== 200) throw new Error(`${op} answered ${r.status}: ${r.text.slice(0, 300)}`);
    return r;
  }

  close(): void {
    this.agent.destroy();
  }
}

export function httpGet(port: number, path: string, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: HOST, port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

// ---- wrk ----------------------------------------------------------------------------------------------

export interface WrkResult {
  command: string;
  requests: number;
  durationS: number;
  rps: number;
  p50Ms: number;
  p75Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Socket errors plus non-2xx/3xx answers. */
  errors: number;
  non2xx: number;
  /** Cores used by other processes on the machine during the run (see withForeignLoad). */
  foreignCores: number;
}

export interface WrkOptions {
  port: number;
  connections: number;
  durationS: number;
  /** Lua assignments for the request (wrk.method, wrk.body, wrk.headers[…]); a done() reporter is appended. */
  luaRequest: string;
  /** Optional Lua `delay` pacing: mean milliseconds to wait per connection between a response and the next request. */
  delayMs?: number;
}

function luaString(s: string): string {
  let eq = '=';
  while (s.includes(`]${eq}]`)) eq += '=';
  return `[${eq}[${s}]${eq}]`;
}

/** Lua for a POST of `body` with the given headers (replayed unchanged: wrk cannot sign). */
export function luaPost(body: string, headers: Record<string, string>): string {
  const lines = ['wrk.method = "POST"', `wrk.body = ${luaString(body)}`];
  // wrk adds its own Host header unless the key is exactly "Host": a second one would break the signature.
  for (const [k, v] of Object.entries(headers)) lines.push(`wrk.headers[ ${luaString(k === 'host' ? 'Host' : k)} ] = ${luaString(v)}`);
  return lines.join('\n');
}

const LUA_DONE = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH_JSON {"requests":%d,"duration_us":%d,"p50":%d,"p75":%d,"p90":%d,"p99":%d,"max":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
`;

function luaDelay(meanMs: number): string {
  const base = Math.floor(meanMs);
  const frac = meanMs - base;
  // wrk's delay() is in whole milliseconds; mixing base and base+1 gives the mean.
  return `
local base, frac = ${base}, ${frac.toFixed(4)}
delay = function()
  if math.random() < frac then return base + 1 end
  return base
end
`;
}

/** Runs wrk on the client core for a fixed time; throws if it does not finish in duration + 20 s. */
export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  const r = await withForeignLoad(() => runWrkOnce(o));
  return { ...r.result, foreignCores: r.foreignCores };
}

function runWrkOnce(o: WrkOptions): Promise<Omit<WrkResult, 'foreignCores'>> {
  const dir = tempDir('wrk');
  const script = join(dir, 'req.lua');
  writeFileSync(script, `${o.luaRequest}\n${o.delayMs !== undefined ? luaDelay(o.delayMs) : ''}${LUA_DONE}`);
  const args = ['-c', CLIENT_CPU, 'wrk', '-t1', `-c${o.connections}`, `-d${o.durationS}s`, '--latency', '-s', script, `http://${HOST}:${o.port}/`];
  const command = `taskset ${args.join(' ').replace(script, '<script.lua>')}`;
  return new Promise((resolve, reject) => {
    const proc = track(spawn('taskset', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    proc.stdout?.setEncoding('utf8');
    proc.stdout?.on('data', (d: string) => (out += d));
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (d: string) => (out += d));
    const timer = setTimeout(() => killChild(proc, 'SIGKILL'), (o.durationS + 20) * 1000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      removeDir(dir);
      const line = /BENCH_JSON (\{.*\})/.exec(out)?.[1];
      if (code !== 0 || line === undefined) {
        reject(new Error(`wrk failed (${String(code)}): ${out.slice(-2000)}`));
        return;
      }
      const j = JSON.parse(line) as Record<string, number>;
      const n = (k: string) => j[k] ?? 0;
      const durationS = n('duration_us') / 1e6;
      const non2xx = n('status');
      resolve({
        command,
        requests: n('requests'),
        durationS,
        rps: n('requests') / durationS,
        p50Ms: n('p50') / 1000,
        p75Ms: n('p75') / 1000,
        p90Ms: n('p90') / 1000,
        p99Ms: n('p99') / 1000,
        maxMs: n('max') / 1000,
        errors: n('connect') + n('read') + n('write') + n('timeout') + non2xx,
        non2xx,
      });
    });
  });
}

// ---- statistics and output ---------------------------------------------------------------------------

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const sum = s.reduce((a, b) => a + b, 0);
  return { n: s.length, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN, mean: sum / s.length };
}

export function median(xs: readonly number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 50);
}

export function fmt(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** One line of the final table: what, the measured value, the target, and whether it was met. */
export interface Row {
  section: string;
  metric: string;
  value: string;
  target: string;
  /** undefined: informational. */
  pass?: boolean;
}

/** A note for a value measured while other processes used the machine. */
export function busyNote(foreignCores: number): string {
  return foreignCores > 0.2 ? ` [machine busy: ${fmt(foreignCores)} cores used by others]` : '';
}

export function verdict(pass: boolean | undefined): string {
  return pass === undefined ? '' : pass ? 'PASS' : 'FAIL';
}

export function printTable(title: string, rows: readonly Row[]): void {
  const head = ['section', 'metric', 'value', 'target', 'result'];
  const cells = rows.map((r) => [r.section, r.metric, r.value, r.target, verdict(r.pass)]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]) => `| ${c.map((x, i) => x.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const out = [`\n${title}\n`, line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)];
  process.stdout.write(`${out.join('\n')}\n`);
}

export function machineInfo(): string {
  let cpu = 'unknown cpu';
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    // not Linux
  }
  return `${cpu}, node ${process.version}`;
}
