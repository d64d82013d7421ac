/**
 * 2. Durable writes: CreateSecret and PutSecretValue per second from a few concurrent clients (signed with
 * SigV4 per request, so the client is node:http in this process, pinned to the client core), against the
 * server with the default synchronous=FULL and, as a comparison, --synchronous NORMAL.
 *
 * Baseline in the same run: raw better-sqlite3 on the same filesystem, WAL, one single-row INSERT per
 * transaction, same synchronous mode — the ceiling for one durable commit at a time.
 *
 * PutSecretValue spreads its writes round-robin over a pool of secrets: a secret accepts at most 100
 * versions younger than 24 h (LimitExceededException after that), so each gets at most 90 here.
 *
 *   node --import tsx bench/writes.ts
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import {
  Client,
  busyNote,
  waitForQuiet,
  closedLoop,
  cpuSecondsOf,
  ensureBuilt,
  fmt,
  fmtInt,
  isMain,
  log,
  pinSelf,
  printTable,
  removeDir,
  rotorCommand,
  startRotor,
  summarize,
  tempDir,
  type Row,
  type Summary,
  type CallResult,
} from './lib.js';

export interface WritesOptions {
  durationS: number;
  concurrency: number;
  putPool: number;
  baselineS: number;
}

export const WRITES_DEFAULTS: WritesOptions = { durationS: 5, concurrency: 4, putPool: 1000, baselineS: 2 };

export interface Phase {
  opsPerS: number;
  latency: Summary;
  errors: number;
  serverCpu: number;
  foreignCores: number;
}

export interface WritesResult {
  modes: { mode: 'FULL' | 'NORMAL'; create: Phase; put: Phase; rawCommitsPerS: number }[];
  rows: Row[];
  commands: string[];
}

/** Raw SQLite: single-row durable transactions per second for `seconds`. */
function rawSqlite(mode: 'FULL' | 'NORMAL', seconds: number): number {
  const dir = tempDir('raw');
  try {
    const db = new Database(join(dir, 'raw.db'));
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${mode}`);
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB NOT NULL)');
    const ins = db.prepare<[string, Buffer]>('INSERT INTO t (k, v) VALUES (?, ?)');
    const value = Buffer.alloc(600, 7);
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    let n = 0;
    while (performance.now() < end && n < 1_000_000) ins.run(`k${n++}`, value);
    const rate = n / ((performance.now() - t0) / 1000);
    db.close();
    return rate;
  } finally {
    removeDir(dir);
  }
}

async function phase(
  pid: number,
  o: WritesOptions,
  maxOps: number,
  op: (i: number) => Promise<CallResult>,
): Promise<Phase> {
  const cpu0 = cpuSecondsOf(pid);
  const r = await closedLoop(o.concurrency, o.durationS, maxOps, op);
  const cpu = cpuSecondsOf(pid) - cpu0;
  if (r.firstError !== undefined) log(`  ${r.errors} errors, the first: ${r.firstError}`);
  return { opsPerS: r.ops / r.elapsedS, latency: summarize(r.latencies), errors: r.errors, serverCpu: cpu / r.elapsedS, foreignCores: r.foreignCores };
}

export async function run(opts: Partial<WritesOptions> = {}): Promise<WritesResult> {
  const o: WritesOptions = { ...WRITES_DEFAULTS, ...opts };
  ensureBuilt();
  pinSelf();
  const modes: WritesResult['modes'] = [];
  const commands: string[] = [];
  const value = JSON.stringify({ username: 'app_user', password: 'x'.repeat(32), host: 'db.internal', port: 5432 });
  for (const mode of ['FULL', 'NORMAL'] as const) {
    await waitForQuiet(`writes, synchronous=${mode}`);
    const dataDir = tempDir(`writes-${mode}`);
    const opt = mode === 'FULL' ? { dataDir } : { dataDir, synchronous: mode };
    commands.push(rotorCommand({ ...opt, dataDir: '<tmp>' }).join(' '));
    const rotor = await startRotor(opt);
    const client = new Client(rotor.port, o.concurrency);
    try {
      log(`writes, synchronous=${mode}: warm-up`);
      await closedLoop(o.concurrency, 5, 200, (i) =>
        client.call('CreateSecret', { Name: `warm/${i}`, SecretString: value, ClientRequestToken: randomUUID() }),
      );
      log(`writes, synchronous=${mode}: CreateSecret ${o.durationS}s, ${o.concurrency} clients`);
      const create = await phase(rotor.pid, o, 200_000, (i) =>
        client.call('CreateSecret', {
          Name: `bench/create/secret-${i}`,
          Description: 'written by bench/writes.ts',
          SecretString: value,
          ClientRequestToken: randomUUID(),
        }),
      );
      log(`writes, synchronous=${mode}: creating ${o.putPool} secrets for PutSecretValue`);
      const pool = await closedLoop(o.concurrency, 60, o.putPool, (i) =>
        client.call('CreateSecret', { Name: `bench/put/secret-${i}`, SecretString: value, ClientRequestToken: randomUUID() }),
      );
      if (pool.ops !== o.putPool) throw new Error(`could only create ${pool.ops} of ${o.putPool} secrets: ${pool.firstError ?? ''}`);
      log(`writes, synchronous=${mode}: PutSecretValue ${o.durationS}s, ${o.concurrency} clients`);
      const put = await phase(rotor.pid, o, o.putPool * 90, (i) =>
        client.call('PutSecretValue', {
          SecretId: `bench/put/secret-${i % o.putPool}`,
          SecretString: `${value}-${i}`,
          ClientRequestToken: randomUUID(),
        }),
      );
      log(`writes, synchronous=${mode}: raw SQLite baseline ${o.baselineS}s`);
      const rawCommitsPerS = rawSqlite(mode, o.baselineS);
      modes.push({ mode, create, put, rawCommitsPerS });
    } catch (e) {
      log(`server stderr: ${rotor.stderr().slice(-3000)}`);
      throw e;
    } finally {
      client.close();
      await rotor.stop();
      removeDir(dataDir);
    }
  }
  const rows: Row[] = [];
  for (const m of modes) {
    const s = `writes (${m.mode === 'FULL' ? 'synchronous=FULL, default' : 'synchronous=NORMAL'})`;
    const ph = (p: Phase) =>
      `${fmtInt(p.opsPerS)} /s, p50 ${fmt(p.latency.p50)} ms, p99 ${fmt(p.latency.p99)} ms, server CPU ${fmt(p.serverCpu * 100, 0)} %${p.errors > 0 ? `, ${p.errors} errors` : ''}${busyNote(p.foreignCores)}`;
    rows.push(
      { section: s, metric: `CreateSecret, ${o.concurrency} clients`, value: ph(m.create), target: '(report)' },
      { section: s, metric: `PutSecretValue, ${o.concurrency} clients`, value: ph(m.put), target: '(report)' },
      { section: s, metric: 'raw SQLite single-row commits (baseline)', value: `${fmtInt(m.rawCommitsPerS)} /s`, target: '(baseline)' },
    );
  }
  commands.push('client: node:http keep-alive agent in the bench process (taskset -a -cp 1), SigV4 per request');
  return { modes, rows, commands };
}

if (isMain(import.meta.url)) {
  const r = await run();
  printTable('Durable writes', r.rows);
  process.stdout.write(`\ncommands:\n${r.commands.map((c) => `  ${c}`).join('\n')}\n`);
  process.exit(0);
}
