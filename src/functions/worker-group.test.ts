/**
 * Several warm workers per function (worker-group.ts): concurrent invocations run in separate processes
 * (up to maxWorkersPerFunction, then a shared FIFO), sequential ones keep one warm process, a timeout
 * kills only its own worker, idle extra workers are stopped, a changed function retires all its workers,
 * and close() kills them all and resolves by itself. Concurrency is shown by pids and by overlapping
 * execution, never by how fast something ran.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACCOUNT, REGION, SCOPE, createRequest, harness, isAlive, type Harness } from '../../test/functions/support.js';

interface Run {
  pid: number;
  start: number;
  end: number;
}

// Records when it ran (start and end, from the same machine clock) and in which process.
const HANDLER = {
  'index.mjs': `
    export const handler = async (event) => {
      const start = Date.now();
      if (event.loop) { for (;;) {} }
      await new Promise((r) => setTimeout(r, event.sleep ?? 0));
      return { pid: process.pid, start, end: Date.now() };
    };`,
};

const sleeper = (name: string, extra: Record<string, unknown> = {}) =>
  createRequest(name, 'nodejs20.x', 'index.handler', HANDLER, { Timeout: 3, ...extra });

async function runs(h: Harness, name: string, events: unknown[]): Promise<Run[]> {
  const rs = await Promise.all(events.map((e) => h.registry.invoke(SCOPE, name, e)));
  for (const r of rs) expect(r.ok, r.payload).toBe(true);
  return rs.map((r) => JSON.parse(r.payload) as Run);
}

const overlaps = (a: Run, b: Run) => a.start < b.end && b.start < a.end;
const anyOverlap = (rs: Run[]) => rs.some((a, i) => rs.some((b, j) => i < j && overlaps(a, b)));
const distinct = (rs: Run[]) => new Set(rs.map((r) => r.pid));

describe('default pool (up to 4 workers per function)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = harness();
    await h.registry.createFunction(SCOPE, sleeper('conc'));
    await h.registry.createFunction(SCOPE, sleeper('hang', { Timeout: 1 }));
  });
  afterAll(async () => {
    await h.close();
  });

  it('runs concurrent invocations of one function in separate workers, overlapping', async () => {
    const rs = await runs(h, 'conc', [1, 2, 3, 4].map(() => ({ sleep: 300 })));
    expect(distinct(rs).size).toBeGreaterThanOrEqual(2);
    expect(distinct(rs).size).toBeLessThanOrEqual(4);
    expect(distinct(rs).has(process.pid)).toBe(false);
    expect(anyOverlap(rs)).toBe(true);
    // workerPid names one of them.
    expect([...distinct(rs)]).toContain(h.registry.workerPid(SCOPE, 'conc'));
  });

  it('keeps sequential invocations on one warm worker, even when more are running', async () => {
    const seq: Run[] = [];
    for (let i = 0; i < 4; i++) seq.push(...(await runs(h, 'conc', [{}])));
    expect(distinct(seq).size).toBe(1);
    expect(seq[0]?.pid).toBe(h.registry.workerPid(SCOPE, 'conc'));
  });

  it('a timing-out invocation kills only its worker; a concurrent one on another worker succeeds', async () => {
    const [hung, ok] = await Promise.all([
      h.registry.invoke(SCOPE, 'hang', { loop: true }),
      h.registry.invoke(SCOPE, 'hang', { sleep: 300 }),
    ]);
    expect(hung?.ok).toBe(false);
    expect(hung?.errorMessage).toBe('Task timed out after 1.00 seconds');
    expect(ok?.ok).toBe(true);
    const okPid = (JSON.parse(ok?.payload ?? '{}') as Run).pid;
    // The worker that served the good invocation was not killed with the one that timed out.
    expect(isAlive(okPid)).toBe(true);
    const again = await runs(h, 'hang', [{}]);
    expect(again[0]?.pid).toBe(okPid);
  });
});

describe('maxWorkersPerFunction', () => {
  let h: Harness;
  beforeAll(async () => {
    h = harness({ maxWorkersPerFunction: 1 });
    await h.registry.createFunction(SCOPE, sleeper('one'));
  });
  afterAll(async () => {
    await h.close();
  });

  it('with 1, concurrent invocations share one process and run one after another', async () => {
    const rs = await runs(h, 'one', [1, 2, 3, 4].map(() => ({ sleep: 100 })));
    expect(distinct(rs).size).toBe(1);
    expect(anyOverlap(rs)).toBe(false);
  });

  it('rejects a bad value', () => {
    expect(() => harness({ maxWorkersPerFunction: 0 })).toThrow(/maxWorkersPerFunction/);
  });
});

describe('queueing beyond the limit (shared FIFO)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = harness({ maxWorkersPerFunction: 2 });
    await h.registry.createFunction(SCOPE, sleeper('two'));
    await h.registry.createFunction(SCOPE, sleeper('twohang'));
  });
  afterAll(async () => {
    await h.close();
  });

  it('never uses more workers than allowed and runs every queued invocation', async () => {
    const rs = await runs(h, 'two', [1, 2, 3, 4, 5, 6].map(() => ({ sleep: 100 })));
    expect(distinct(rs).size).toBeLessThanOrEqual(2);
    expect(distinct(rs).size).toBeGreaterThanOrEqual(1);
  });

  it('queued invocations are not held behind a hanging one: the free worker takes them', async () => {
    const hung = h.registry.invoke(SCOPE, 'twohang', { loop: true });
    let hungDone = false;
    void hung.then(() => (hungDone = true));
    // Once the hanging invocation has its worker (the first of the function), the others queue for the
    // second one and all run there, while the first still hangs.
    await vi.waitFor(() => expect(h.registry.workerPid(SCOPE, 'twohang')).toBeDefined(), { timeout: 10_000 });
    const hungPid = h.registry.workerPid(SCOPE, 'twohang');
    const others = await runs(h, 'twohang', [1, 2, 3].map(() => ({ sleep: 20 })));
    expect(hungDone).toBe(false);
    expect(distinct(others).size).toBe(1);
    expect(distinct(others).has(hungPid ?? -1)).toBe(false);
    const r = await hung;
    expect(r.errorMessage).toBe('Task timed out after 3.00 seconds');
  });
});

describe('idle workers', () => {
  it('stops idle workers beyond the first after the idle period; the first stays warm', async () => {
    const h = harness({ idleWorkerTimeoutMs: 200 });
    try {
      await h.registry.createFunction(SCOPE, sleeper('idle'));
      const rs = await runs(h, 'idle', [1, 2, 3].map(() => ({ sleep: 300 })));
      const pids = [...distinct(rs)];
      expect(pids.length).toBeGreaterThanOrEqual(2);
      const first = h.registry.workerPid(SCOPE, 'idle');
      expect(first).toBeDefined();
      await vi.waitFor(() => expect(pids.filter(isAlive)).toEqual([first]), { timeout: 10_000, interval: 50 });
      const next = await runs(h, 'idle', [{}]);
      expect(next[0]?.pid).toBe(first);
    } finally {
      await h.close();
    }
  });
});

describe('retire and close', () => {
  let h: Harness;
  let server: Server;
  let url = '';
  beforeAll(async () => {
    h = harness({ endpoint: () => url });
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void h.registry.handleHttp(req, res, Buffer.concat(chunks), {
          accountId: ACCOUNT,
          region: REGION,
          principalArn: `arn:aws:iam::${ACCOUNT}:root`,
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await h.close();
  });

  it('a configuration change retires every worker of the function', async () => {
    await h.registry.createFunction(SCOPE, sleeper('changing'));
    const before = [...distinct(await runs(h, 'changing', [1, 2, 3].map(() => ({ sleep: 300 }))))];
    expect(before.length).toBeGreaterThanOrEqual(2);
    const r = await fetch(`${url}/2015-03-31/functions/changing/configuration`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Environment: { Variables: { MODE: 'b' } } }),
    });
    expect(r.status).toBe(200);
    await vi.waitFor(() => expect(before.filter(isAlive)).toEqual([]), { timeout: 10_000, interval: 50 });
    const after = await runs(h, 'changing', [{}]);
    expect(before).not.toContain(after[0]?.pid);
  });

  it('deleting the function retires every worker', async () => {
    await h.registry.createFunction(SCOPE, sleeper('doomed'));
    const pids = [...distinct(await runs(h, 'doomed', [1, 2, 3].map(() => ({ sleep: 300 }))))];
    await h.registry.deleteFunction(SCOPE, 'doomed');
    await vi.waitFor(() => expect(pids.filter(isAlive)).toEqual([]), { timeout: 10_000, interval: 50 });
    expect(h.registry.workerPid(SCOPE, 'doomed')).toBeUndefined();
  });

  it('close() kills all workers of all functions', async () => {
    const local = harness();
    await local.registry.createFunction(SCOPE, sleeper('a'));
    await local.registry.createFunction(SCOPE, sleeper('b'));
    const pids = [
      ...distinct(await runs(local, 'a', [1, 2, 3].map(() => ({ sleep: 200 })))),
      ...distinct(await runs(local, 'b', [{}])),
    ];
    expect(pids.length).toBeGreaterThanOrEqual(3);
    await local.registry.close();
    expect(pids.filter(isAlive)).toEqual([]);
    const r = await local.registry.invoke(SCOPE, 'a', {});
    expect(r.ok).toBe(false);
    expect(r.errorMessage).toBe('Rotor is shutting down');
    await local.store.close();
  });

  it('close() resolves in a process where nothing else keeps the event loop alive', () => {
    const script = fileURLToPath(new URL('../../test/functions/close-script.ts', import.meta.url));
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const p = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    // Exit code 13 would mean the top-level await of close() never settled.
    expect({ status: p.status, stderr: p.stderr }).toEqual({ status: 0, stderr: '' });
    const m = /^closed (\d+)$/m.exec(p.stdout);
    expect(m).not.toBeNull();
    expect(isAlive(Number(m?.[1]))).toBe(false);
  });
});
