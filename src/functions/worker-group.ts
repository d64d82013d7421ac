/**
 * The warm workers of one function version (code + configuration), as Lambda's execution environments:
 * each worker runs one invocation at a time, and concurrent invocations run in separate workers.
 *
 * Dispatch: an invocation goes to an idle worker — one with a live process first, oldest first (so
 * sequential invocations keep using one warm process, also after another worker timed out or crashed);
 * if none is idle and the group has fewer than `maxWorkers`, a new worker is added;
 * otherwise the invocation waits in one FIFO shared by the group and runs on whichever worker is free
 * first. A shared queue (rather than one queue per worker) means that a step hanging until its timeout
 * holds up only its own worker, never the invocations that happen to be queued behind it.
 *
 * A worker idle for `idleMs` is stopped (and dropped from the group) unless it is the one kept warm: the
 * oldest worker with a live process (or, if none has one, the oldest). So idle workers beyond the first
 * return their memory, and one warm process remains. A timeout or crash affects only the worker it
 * happened in (FunctionWorker kills it and starts a new process on its next invocation).
 */
import type { FunctionErrorBody, FunctionWorker, WorkerInvocation, WorkerOutcome } from './worker.js';

export interface WorkerGroupOptions {
  /** Code + configuration identity (workerKey). */
  key: string;
  /** Most workers (concurrent invocations) for this function; at least 1. */
  maxWorkers: number;
  /** Idle time after which a worker other than the one kept warm is stopped (ms). */
  idleMs: number;
  /** A new, not yet started worker (it starts on its first invocation). */
  create: () => FunctionWorker;
}

interface Job {
  inv: WorkerInvocation;
  resolve: (o: WorkerOutcome) => void;
}

const GONE: FunctionErrorBody = { errorType: 'Runtime.Unknown', errorMessage: 'The function was changed or deleted' };

export class WorkerGroup {
  readonly key: string;
  private readonly opts: WorkerGroupOptions;
  /** Oldest first. */
  private readonly workers: FunctionWorker[] = [];
  private readonly busy = new Set<FunctionWorker>();
  private readonly queue: Job[] = [];
  private readonly idleTimers = new Map<FunctionWorker, NodeJS.Timeout>();
  private idleWaiters: Array<() => void> = [];
  private state: 'open' | 'retiring' | 'closed' = 'open';

  constructor(opts: WorkerGroupOptions) {
    this.key = opts.key;
    this.opts = { ...opts, maxWorkers: Math.max(1, Math.floor(opts.maxWorkers)) };
  }

  /** The pid of a live worker process of this group (the oldest that has one), if any. */
  get pid(): number | undefined {
    for (const w of this.workers) if (w.pid !== undefined) return w.pid;
    return undefined;
  }

  /** The pids of all live worker processes of this group. */
  get pids(): number[] {
    return this.workers.flatMap((w) => (w.pid !== undefined ? [w.pid] : []));
  }

  /** Runs an invocation on a worker of this group (see the dispatch rules above); never rejects. */
  invoke(inv: WorkerInvocation): Promise<WorkerOutcome> {
    if (this.state !== 'open') return Promise.resolve({ ok: false, error: GONE, logs: '' });
    return new Promise<WorkerOutcome>((resolve) => {
      this.queue.push({ inv, resolve });
      this.pump();
    });
  }

  /** Accepts no more work; the workers are stopped once the queued and running invocations are done. */
  async retire(): Promise<void> {
    if (this.state === 'open') this.state = 'retiring';
    await this.whenIdle();
    this.clearIdleTimers();
    const all = this.workers.splice(0);
    await Promise.all(all.map((w) => w.shutdown()));
  }

  /** Kills every worker now: running invocations fail, queued ones get `error`. */
  async kill(error: FunctionErrorBody): Promise<void> {
    this.state = 'closed';
    this.clearIdleTimers();
    for (const job of this.queue.splice(0)) job.resolve({ ok: false, error, logs: '' });
    const all = this.workers.splice(0);
    await Promise.all(all.map((w) => w.shutdown()));
  }

  private pump(): void {
    while (this.state !== 'closed' && this.queue.length > 0) {
      let w = this.workers.find((x) => !this.busy.has(x) && x.pid !== undefined) ?? this.workers.find((x) => !this.busy.has(x));
      if (!w) {
        if (this.workers.length >= this.opts.maxWorkers) break;
        w = this.opts.create();
        this.workers.push(w);
      }
      const job = this.queue.shift();
      if (!job) break;
      this.run(w, job);
    }
    if (this.queue.length === 0 && this.busy.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  private run(w: FunctionWorker, job: Job): void {
    this.busy.add(w);
    this.clearIdleTimer(w);
    void w.invoke(job.inv).then((outcome) => {
      this.busy.delete(w);
      job.resolve(outcome);
      this.pump();
      if (!this.busy.has(w)) this.armIdleTimer(w);
    });
  }

  private whenIdle(): Promise<void> {
    if (this.queue.length === 0 && this.busy.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** The worker not stopped for being idle: the oldest with a live process, else the oldest. */
  private keptWarm(): FunctionWorker | undefined {
    return this.workers.find((x) => x.pid !== undefined) ?? this.workers[0];
  }

  private armIdleTimer(w: FunctionWorker): void {
    if (this.state !== 'open' || !this.workers.includes(w)) return;
    this.clearIdleTimer(w);
    const timer = setTimeout(() => {
      this.idleTimers.delete(w);
      if (this.state !== 'open' || this.busy.has(w) || w === this.keptWarm()) return;
      const i = this.workers.indexOf(w);
      if (i < 0) return;
      this.workers.splice(i, 1);
      void w.shutdown();
    }, this.opts.idleMs);
    // An idle worker must not keep Rotor's event loop alive.
    timer.unref();
    this.idleTimers.set(w, timer);
  }

  private clearIdleTimer(w: FunctionWorker): void {
    const t = this.idleTimers.get(w);
    if (t !== undefined) clearTimeout(t);
    this.idleTimers.delete(w);
  }

  private clearIdleTimers(): void {
    for (const t of this.idleTimers.values()) clearTimeout(t);
    this.idleTimers.clear();
  }
}
