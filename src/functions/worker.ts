/**
 * One warm worker process for one function (one code version + configuration): a bootstrap from runtime/
 * that loads the handler once and then serves invocations, one at a time, over extra stdio pipes (fd 3:
 * requests from Rotor, fd 4: answers; JSON lines), so that the handler's own stdout/stderr are its logs.
 *
 * A worker runs one invocation at a time (any further ones queue on it in turn); concurrency comes from
 * running several workers of a function side by side (worker-group.ts). The worker is started on the
 * first invocation (its init output is part of that invocation's log), restarted after a crash or a
 * timeout (the process group is killed, so children the handler started die too), and restarted when its
 * role credentials are about to expire.
 *
 * The process and its pipes are unref'd, so an idle worker never keeps Rotor's event loop alive; while an
 * invocation runs, or while kill() waits for the process to go, a ref'd timer does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { OutputSplitter } from './invocation-log.js';

export interface WorkerLaunch {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Wall-clock expiry of the credentials placed in env. */
  credentialsExpireAt: number;
}

export interface FunctionErrorBody {
  errorMessage: string;
  errorType: string;
  stackTrace?: string[];
}

export interface WorkerInvocation {
  requestId: string;
  event: unknown;
  invokedFunctionArn: string;
}

export type WorkerOutcome =
  | { ok: true; payload: string; logs: string; pid?: number }
  | { ok: false; error: FunctionErrorBody; logs: string; pid?: number };

export interface WorkerOptions {
  /** Code + configuration identity: the registry replaces a worker whose key no longer matches. */
  key: string;
  timeoutSeconds: number;
  /** Unpacks code, issues credentials and builds the command line (called at each (re)start). */
  prepare: () => Promise<WorkerLaunch>;
  /** The clock the credential expiry is measured with. */
  now?: () => number;
  /** Restart when credentials have less than this left (ms). */
  credentialMarginMs?: number;
  /** Time allowed for the bootstrap to load the handler (Lambda's init phase: 10 s). */
  initTimeoutMs?: number;
  onLog?: (o: Record<string, unknown>) => void;
}

type Wake =
  | { kind: 'message'; msg: BootstrapMessage }
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null; error?: string }
  | { kind: 'timeout' };

interface BootstrapMessage {
  type: string;
  requestId?: string;
  payload?: string;
  error?: FunctionErrorBody;
}

const isMessage = (v: unknown): v is BootstrapMessage =>
  typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';

/** After a result, how long to wait for the end markers on stdout/stderr. */
const DRAIN_MS = 1000;
/** After 'exit', how long to wait for the pipes to close (the last output). */
const CLOSE_GRACE_MS = 300;
/** How long kill() waits for the killed process's exit to be delivered. */
const KILL_WAIT_MS = 5000;

export class FunctionWorker {
  readonly key: string;
  private readonly opts: WorkerOptions;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private credentialsExpireAt = 0;
  private readonly output = new OutputSplitter();
  private wake: ((w: Wake) => void) | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  private lineBuf = '';

  constructor(opts: WorkerOptions) {
    this.key = opts.key;
    this.opts = opts;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Queues an invocation; never rejects. */
  invoke(inv: WorkerInvocation): Promise<WorkerOutcome> {
    const run = this.tail.then(() => this.run(inv));
    this.tail = run.catch(() => undefined);
    return run.catch((e: unknown) => ({
      ok: false as const,
      error: { errorType: 'Runtime.Unknown', errorMessage: e instanceof Error ? e.message : String(e) },
      logs: this.output.end(),
    }));
  }

  /** Stops accepting work; the process is killed once the queued invocations are done. */
  retire(): Promise<void> {
    this.closed = true;
    const done = this.tail.then(() => this.kill());
    this.tail = done;
    return done;
  }

  /** Kills the process now (the in-flight invocation fails); a later invocation starts a new one. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    killGroup(child);
    // The child and its pipes are unref'd, so this timer is what keeps the event loop alive until the exit
    // is delivered (or, should the process somehow linger, until the bound).
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'bound'>((r) => (timer = setTimeout(() => r('bound'), KILL_WAIT_MS)));
    const r = await Promise.race([this.exited, bound]);
    clearTimeout(timer);
    if (r === 'bound' && this.child === child) {
      this.opts.onLog?.({ msg: 'function worker did not exit after SIGKILL', pid: child.pid });
      this.child = undefined;
    }
  }

  /** Kills the process now and accepts no more work (later invocations fail without starting one). */
  shutdown(): Promise<void> {
    this.closed = true;
    return this.kill();
  }

  private async run(inv: WorkerInvocation): Promise<WorkerOutcome> {
    if (this.closed && !this.child) {
      return { ok: false, error: { errorType: 'Runtime.Unknown', errorMessage: 'The function was changed or deleted' }, logs: '' };
    }
    const margin = this.opts.credentialMarginMs ?? 3_600_000;
    const now = this.opts.now ?? Date.now;
    // A process that died between invocations (its exit is still being delivered) is waited for.
    if (this.child && (this.child.exitCode !== null || this.child.signalCode !== null)) await this.exited;
    if (this.child && this.credentialsExpireAt - now() < margin) await this.kill();
    this.output.begin(inv.requestId);
    if (!this.child) {
      const started = await this.start();
      if (started) return this.finish(inv, started);
    }
    const pid = this.child?.pid;
    const line = `${JSON.stringify({
      type: 'invoke',
      requestId: inv.requestId,
      event: inv.event === undefined ? null : inv.event,
      invokedFunctionArn: inv.invokedFunctionArn,
      deadlineMs: Date.now() + this.opts.timeoutSeconds * 1000,
    })}\n`;
    const w = this.waitFor(this.opts.timeoutSeconds * 1000);
    (this.child?.stdio[3] as Writable | undefined)?.write(line);
    const r = await w;
    if (r.kind === 'message' && r.msg.type === 'result') {
      await this.output.drained(DRAIN_MS);
      return { ok: true, payload: r.msg.payload ?? 'null', logs: this.output.end(), ...(pid ? { pid } : {}) };
    }
    if (r.kind === 'message' && r.msg.type === 'error') {
      await this.output.drained(DRAIN_MS);
      return { ok: false, error: r.msg.error ?? unknownError(), logs: this.output.end(), ...(pid ? { pid } : {}) };
    }
    return this.finish(inv, r, pid);
  }

  /** Converts a timeout or an exit into the failure Lambda reports. */
  private async finish(inv: WorkerInvocation, r: Wake, pid?: number): Promise<WorkerOutcome> {
    let error: FunctionErrorBody;
    if (r.kind === 'timeout') {
      await this.kill();
      const msg = `Task timed out after ${this.opts.timeoutSeconds.toFixed(2)} seconds`;
      this.output.note(`${new Date().toISOString()} ${inv.requestId} ${msg}`);
      error = { errorType: 'Sandbox.Timedout', errorMessage: msg };
    } else if (r.kind === 'exit') {
      const how = r.error ?? (r.signal ? `signal: ${r.signal.replace(/^SIG/, '').toLowerCase()}` : `exit status ${r.code ?? 0}`);
      const msg = `RequestId: ${inv.requestId} Error: Runtime exited with error: ${how}`;
      this.output.note(msg);
      error = { errorType: 'Runtime.ExitError', errorMessage: msg };
    } else if (r.msg.type === 'ready' && r.msg.error) {
      // Init failed: report it, and start afresh next time (Lambda re-runs init after an init error).
      // The bootstrap exits by itself after saying so; waiting for that collects its last output.
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, DRAIN_MS))]);
      await this.kill();
      error = r.msg.error;
    } else {
      await this.kill();
      error = unknownError();
    }
    return { ok: false, error, logs: this.output.end(), ...(pid ? { pid } : {}) };
  }

  /** Spawns the bootstrap and waits for it to load the handler; a Wake when that failed. */
  private async start(): Promise<Wake | undefined> {
    let launch: WorkerLaunch;
    try {
      launch = await this.opts.prepare();
    } catch (e) {
      return {
        kind: 'message',
        msg: { type: 'ready', error: { errorType: 'Runtime.InitError', errorMessage: e instanceof Error ? e.message : String(e) } },
      };
    }
    if (this.closed) {
      // Shut down while preparing: no process may be started any more.
      return { kind: 'exit', code: null, signal: null, error: 'The function worker was stopped' };
    }
    this.credentialsExpireAt = launch.credentialsExpireAt;
    this.output.reset();
    this.lineBuf = '';
    const child = spawn(launch.command, launch.args, {
      cwd: launch.cwd,
      env: launch.env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    let resolveExited: () => void = () => undefined;
    this.exited = new Promise<void>((r) => (resolveExited = r));
    const stdout = child.stdio[1] as Readable;
    const stderr = child.stdio[2] as Readable;
    const requests = child.stdio[3] as Writable;
    const answers = child.stdio[4] as Readable;
    stdout.on('data', (c: Buffer) => this.output.push('stdout', c));
    stderr.on('data', (c: Buffer) => this.output.push('stderr', c));
    answers.on('data', (c: Buffer) => this.onAnswer(c));
    for (const s of [stdout, stderr, requests, answers]) s.on('error', () => undefined);
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null; error?: string } | undefined;
    let delivered = false;
    const deliver = () => {
      if (delivered) return;
      delivered = true;
      const current = this.child === child;
      if (current) this.child = undefined;
      resolveExited();
      this.opts.onLog?.({ msg: 'function worker exited', pid: child.pid, ...exitInfo });
      // A process given up on by kill() must not wake an invocation waiting on its successor.
      if (current) this.wake?.({ kind: 'exit', code: exitInfo?.code ?? null, signal: exitInfo?.signal ?? null, ...(exitInfo?.error ? { error: exitInfo.error } : {}) });
    };
    child.on('error', (e) => {
      exitInfo = { code: null, signal: null, error: `Runtime failed to start: ${e.message}` };
      deliver();
    });
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      setTimeout(deliver, CLOSE_GRACE_MS).unref();
    });
    child.on('close', (code, signal) => {
      exitInfo ??= { code, signal };
      deliver();
    });
    child.unref();
    for (const s of [stdout, stderr, requests, answers]) (s as unknown as { unref?: () => void }).unref?.();
    const initMs = Math.max(this.opts.initTimeoutMs ?? 10_000, this.opts.timeoutSeconds * 1000);
    const r = await this.waitFor(initMs);
    if (r.kind === 'message' && r.msg.type === 'ready' && !r.msg.error) return undefined;
    return r;
  }

  private onAnswer(chunk: Buffer): void {
    this.lineBuf += chunk.toString('utf8');
    let nl: number;
    while ((nl = this.lineBuf.indexOf('\n')) >= 0) {
      const line = this.lineBuf.slice(0, nl);
      this.lineBuf = this.lineBuf.slice(nl + 1);
      if (line.trim() === '') continue;
      let msg: unknown;
      try {
        msg = JSON.parse(line);
      } catch {
        continue;
      }
      if (isMessage(msg)) this.wake?.({ kind: 'message', msg });
    }
  }

  private waitFor(timeoutMs: number): Promise<Wake> {
    return new Promise<Wake>((resolve) => {
      const timer = setTimeout(() => settle({ kind: 'timeout' }), timeoutMs);
      const settle = (w: Wake) => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(w);
      };
      this.wake = settle;
    });
  }
}

function unknownError(): FunctionErrorBody {
  return { errorType: 'Runtime.Unknown', errorMessage: 'The runtime sent an unexpected answer' };
}

/** SIGKILL to the worker's process group (it was spawned detached, so it leads its own group). */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
