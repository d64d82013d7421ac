/**
 * Scheduler tick benchmark (issue 4): how long the rotation engine's query, `store.dueRotationWork(now,
 * limit)` of src/store/sqlite/sqlite-store.ts, takes to find the due secrets in a large table, whether
 * SQLite scans the table, and whether memory stays flat across ticks.
 *
 * Setup: a file database created by SqliteStore (so the schema and indexes are the server's), seeded
 * directly with SQL inserts — one transaction per 100,000 rows, secondary indexes dropped during the
 * load and rebuilt after with their own CREATE INDEX statements — with a realistic JSON document per
 * secret (ARN, description, two tags, rotation configuration, two versions). Every secret has rotation
 * enabled, so the scheduled-start index holds all of them (the worst case); 1 % (every 100th) are due,
 * their chosen starts spread over the last 24 hours; the others start within the next 30 days; 0.1 % have a
 * rotation job waiting for a retry (not due). The same is built with 10,000 secrets as the baseline.
 *
 * Measured in one run (median and p95 of 25 calls after 3 warm-up calls, performance.now()):
 * - one engine tick (limit 50, what src/rotation/engine.ts asks for);
 * - all the due secrets at once (limit = the due count) on the big table, with `now` moved so that 100,
 *   1,000 and 10,000 are due; on the baseline, its 100 due ones. Same due count ⇒ same cost whatever the
 *   table size; cost grows with the due count.
 * - EXPLAIN QUERY PLAN of the store's own two statements (read from the prepared statements' source);
 * - RSS every 100 of 1,000 ticks, after a warm-up.
 *
 *   node --import tsx bench/scheduler.ts   (BENCH_SCHED_SECRETS=1000000, BENCH_SCHED_SEED_BUDGET_S=60,
 *                                           BENCH_SCHED_CACHE_KIB: a larger SQLite page cache, to experiment)
 *
 * If seeding the full size would take longer than the budget, the load stops at the last completed 100,000
 * rows and the table says which size was measured. The database lives in a temporary directory, removed
 * at exit.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** "Now" for the benchmark: 2026-06-01T00:00Z. */
const NOW = Date.UTC(2026, 5, 1);
const CHUNK = 100_000;
const ENGINE_LIMIT = 50;
const TARGET_MS = 50;

const dirs: string[] = [];
process.on('exit', () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130));

function log(msg: string): void {
  process.stderr.write(`[scheduler] ${msg}\n`);
}

/** Deterministic pseudo-random numbers (mulberry32), so every run seeds the same table. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ARN_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

interface Row {
  pk: string;
  account_id: string;
  region: string;
  name: string;
  arn: string;
  created_at: number;
  last_changed_at: number;
  last_accessed_at: number;
  deleted_at: null;
  next_rotation_at: number;
  job_due_at: number | null;
  scheduled_start_at: number;
  revision: number;
  doc: string;
}

/** Secret number i: due iff i % 100 === 0; a waiting (not due) job iff i % 1000 === 550. */
function secretRow(i: number, rnd: () => number): Row {
  const env = i % 5 < 3 ? 'prod' : 'dev';
  const name = `${env}/svc-${String(i % 200).padStart(3, '0')}/secret-${String(i).padStart(7, '0')}`;
  let suffix = '';
  for (let k = 0; k < 6; k++) suffix += ARN_CHARS[Math.floor(rnd() * ARN_CHARS.length)] ?? 'a';
  const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-${suffix}`;
  const due = i % 100 === 0;
  const scheduledStartAt = due ? NOW - 1000 - Math.floor(rnd() * (DAY - 2000)) : NOW + 60_000 + Math.floor(rnd() * 30 * DAY);
  const windowEnd = Math.floor(scheduledStartAt / DAY) * DAY + DAY - 1000;
  const lastRotatedAt = windowEnd - 30 * DAY - Math.floor(rnd() * HOUR);
  const createdAt = lastRotatedAt - 90 * DAY;
  const current = randomUUID();
  const previous = randomUUID();
  const fn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:rotate-${env}-svc-${i % 200}`;
  const job =
    i % 1000 === 550
      ? {
          runId: randomUUID(),
          token: randomUUID(),
          rotationToken: randomUUID(),
          mode: 'full',
          functionArn: fn,
          trigger: 'schedule',
          nextStep: 'createSecret',
          attempt: 2,
          notBefore: NOW + 10 * 60_000,
          startedAt: NOW - 60_000,
        }
      : undefined;
  const doc = {
    accountId: ACCOUNT,
    region: REGION,
    arn,
    name,
    description: `Database credentials for the ${env} service ${i % 200}`,
    tags: [
      { Key: 'env', Value: env },
      { Key: 'team', Value: `team-${i % 17}` },
    ],
    rotationEnabled: true,
    rotationLambdaArn: fn,
    rotationRules: { AutomaticallyAfterDays: 30 },
    lastRotatedAt,
    nextRotationAt: windowEnd,
    scheduledStartAt,
    currentChangedAt: lastRotatedAt,
    ...(job ? { rotationJob: job } : {}),
    createdAt,
    lastChangedAt: lastRotatedAt,
    lastAccessedAt: Math.floor(NOW / DAY) * DAY - DAY,
    versions: [
      { id: previous, stages: ['AWSPREVIOUS'], createdAt: lastRotatedAt - 30 * DAY, hasValue: true, kmsKeyIds: ['DefaultEncryptionKey'], valueDigest: suffix.repeat(4) },
      { id: current, stages: ['AWSCURRENT'], createdAt: lastRotatedAt, hasValue: true, kmsKeyIds: ['DefaultEncryptionKey'], valueDigest: suffix.split('').reverse().join('').repeat(4) },
    ],
    purgedVersionIds: [],
  };
  return {
    pk: randomUUID(),
    account_id: ACCOUNT,
    region: REGION,
    name,
    arn,
    created_at: createdAt,
    last_changed_at: lastRotatedAt,
    last_accessed_at: doc.lastAccessedAt,
    deleted_at: null,
    next_rotation_at: windowEnd,
    job_due_at: job ? job.notBefore : null,
    scheduled_start_at: scheduledStartAt,
    revision: 3,
    doc: JSON.stringify(doc),
  };
}

interface Seeded {
  path: string;
  secrets: number;
  seconds: number;
  bytes: number;
  docBytes: number;
}

/** Creates the schema through SqliteStore, then bulk-loads up to `target` secrets within `budgetS`. */
async function seedDb(label: string, target: number, budgetS: number): Promise<Seeded> {
  const dir = mkdtempSync(join(tmpdir(), `rotor-bench-sched-${label}-`));
  dirs.push(dir);
  const path = join(dir, 'rotor.db');
  await new SqliteStore({ path }).close();
  const t0 = performance.now();
  const db = new Database(path);
  db.pragma('journal_mode = DELETE');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1048576'); // 1 GiB while loading
  const indexes = db
    .prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'secrets' AND sql IS NOT NULL")
    .all();
  for (const ix of indexes) db.exec(`DROP INDEX ${ix.name}`);
  const insert = db.prepare(
    `INSERT INTO secrets (pk, account_id, region, name, arn, created_at, last_changed_at, last_accessed_at, deleted_at,
       next_rotation_at, job_due_at, scheduled_start_at, revision, doc)
     VALUES (@pk, @account_id, @region, @name, @arn, @created_at, @last_changed_at, @last_accessed_at, @deleted_at,
       @next_rotation_at, @job_due_at, @scheduled_start_at, @revision, @doc)`,
  );
  const rnd = prng(42);
  let n = 0;
  let docBytes = 0;
  const load = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const r = secretRow(i, rnd);
      docBytes += r.doc.length;
      insert.run(r);
    }
  });
  // Index rebuild costs about as much as loading; stop loading when half the budget is used.
  while (n < target) {
    const to = Math.min(target, n + CHUNK);
    load(n, to);
    n = to;
    const elapsed = (performance.now() - t0) / 1000;
    if (n < target && elapsed * (1 + CHUNK / n) > budgetS / 2) {
      log(`${label}: stopping the load at ${n.toLocaleString('en-US')} secrets (${elapsed.toFixed(1)} s, budget ${budgetS} s)`);
      break;
    }
  }
  for (const ix of indexes) db.exec(ix.sql);
  db.close();
  const seconds = (performance.now() - t0) / 1000;
  return { path, secrets: n, seconds, bytes: statSync(path).size, docBytes: Math.round(docBytes / n) };
}
interface Timing {
  median: number;
  p95: number;
  returned: number;
}

async function timed(f: () => Promise<number> | number): Promise<Timing> {
  let returned = 0;
  for (let i = 0; i < 3; i++) returned = await f();
  const samples: number[] = [];
  for (let i = 0; i < 25; i++) {
    const t = performance.now();
    returned = await f();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[12] ?? NaN, p95: samples[23] ?? NaN, returned };
}

/** store.dueRotationWork(now, limit), checking that everything returned is due. */
function time(store: SqliteStore, now: number, limit: number): Promise<Timing> {
  return timed(async () => {
    const due = await store.dueRotationWork(now, limit);
    for (const s of due) if ((s.scheduledStartAt ?? Infinity) > now) throw new Error(`returned a secret that is not due: ${s.arn}`);
    return due.length;
  });
}

function statements(store: SqliteStore): Record<string, Database.Statement> {
  return (store as unknown as { stmts: Record<string, Database.Statement> }).stmts;
}

/** The `now` at which exactly the `k` earliest due secrets are due (their starts are spread over a day). */
function nowForDue(store: SqliteStore, k: number): number {
  const row = store.db
    .prepare<[number, number], { s: number }>('SELECT scheduled_start_at AS s FROM secrets WHERE scheduled_start_at IS NOT NULL AND scheduled_start_at <= ? ORDER BY scheduled_start_at LIMIT 1 OFFSET ?')
    .get(NOW, k - 1);
  if (!row) throw new Error(`fewer than ${k} due secrets`);
  return row.s;
}

function plans(store: SqliteStore): { statement: string; plan: string[] }[] {
  return (['dueJobs', 'dueSchedules'] as const).map((k) => {
    const source = statements(store)[k]?.source;
    if (source === undefined) throw new Error(`the store has no statement ${k}`);
    const plan = store.db.prepare<[number, number], { detail: string }>(`EXPLAIN QUERY PLAN ${source}`).all(NOW, ENGINE_LIMIT).map((r) => r.detail);
    return { statement: k, plan };
  });
}

const rssMiB = () => process.memoryUsage().rss / 1048576;
/** The measuring process runs with --expose-gc: collecting before a sample shows what is retained. */
function heapAfterGcMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1048576;
}

interface Measured {
  rows: { table: string; secrets: number; due: number; limit: number; t: Timing }[];
  sqlOnlyAllDue: Timing;
  plans: { statement: string; plan: string[] }[];
  rss: number[];
  heap: number[];
}

/** Runs in a fresh process (so the loader's memory does not pollute RSS), like a server opening the file. */
async function measure(bigPath: string, bigN: number, smallPath: string, smallN: number): Promise<Measured> {
  const bigStore = new SqliteStore({ path: bigPath });
  const smallStore = new SqliteStore({ path: smallPath });
  // Experiment knob: SqliteStore keeps SQLite's default page cache (2 MiB); BENCH_SCHED_CACHE_KIB enlarges it.
  const cacheKiB = Number(process.env.BENCH_SCHED_CACHE_KIB ?? 0);
  if (cacheKiB > 0) for (const s of [bigStore, smallStore]) s.db.pragma(`cache_size = -${Math.floor(cacheKiB)}`);
  const bigDue = bigN / 100;
  const rows: Measured['rows'] = [];
  rows.push({ table: 'big', secrets: bigN, due: bigDue, limit: ENGINE_LIMIT, t: await time(bigStore, NOW, ENGINE_LIMIT) });
  rows.push({ table: 'baseline', secrets: smallN, due: smallN / 100, limit: ENGINE_LIMIT, t: await time(smallStore, NOW, ENGINE_LIMIT) });
  for (const k of [...[100, 1000].filter((x) => x < bigDue), bigDue]) {
    rows.push({ table: 'big', secrets: bigN, due: k, limit: k, t: await time(bigStore, k === bigDue ? NOW : nowForDue(bigStore, k), k) });
  }
  rows.push({ table: 'baseline', secrets: smallN, due: smallN / 100, limit: smallN / 100, t: await time(smallStore, NOW, smallN / 100) });
  // The same SQL, rows read but documents not parsed: how much of the time is reading vs JSON.parse.
  const schedules = statements(bigStore).dueSchedules;
  if (!schedules) throw new Error('the store has no statement dueSchedules');
  const sqlOnlyAllDue = await timed(() => schedules.all(NOW, bigDue).length);
  const queryPlans = plans(bigStore);

  // Memory across engine ticks (limit 50): 2,000 ticks after 100 warm-up ticks, RSS every 200.
  for (let i = 0; i < 100; i++) await bigStore.dueRotationWork(NOW, ENGINE_LIMIT);
  const heap: number[] = [heapAfterGcMiB()];
  const rss: number[] = [rssMiB()];
  for (let i = 1; i <= 2000; i++) {
    await bigStore.dueRotationWork(NOW, ENGINE_LIMIT);
    if (i % 200 === 0) {
      heap.push(heapAfterGcMiB());
      rss.push(rssMiB());
    }
  }
  await bigStore.close();
  await smallStore.close();
  return { rows, sqlOnlyAllDue, plans: queryPlans, rss, heap };
}

function measureInChild(big: Seeded, small: Seeded): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), '--measure', big.path, String(big.secrets), small.path, String(small.secrets)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the measuring process exited with ${String(code)}`));
      try {
        resolve(JSON.parse(out) as Measured);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

export interface SchedulerResult {
  markdown: string;
  pass: boolean;
}

export async function run(): Promise<SchedulerResult> {
  const target = Number(process.env.BENCH_SCHED_SECRETS ?? 1_000_000);
  const budget = Number(process.env.BENCH_SCHED_SEED_BUDGET_S ?? 60);
  log(`seeding ${target.toLocaleString('en-US')} secrets (budget ${budget} s)…`);
  const big = await seedDb('big', target, budget);
  log(`seeded ${big.secrets.toLocaleString('en-US')} in ${big.seconds.toFixed(1)} s; baseline 10,000…`);
  const small = await seedDb('small', 10_000, budget);
  log('measuring in a fresh process…');
  const m = await measureInChild(big, small);

  const fmtN = (n: number) => n.toLocaleString('en-US');
  const bigDue = big.secrets / 100;
  const tick = m.rows[0];
  const allDue = m.rows.find((r) => r.table === 'big' && r.due === bigDue && r.limit === bigDue);
  const big100 = m.rows.find((r) => r.table === 'big' && r.due === 100 && r.limit === 100);
  const small100 = m.rows.find((r) => r.table === 'baseline' && r.limit === 100);
  const scans = m.plans.flatMap((p) => p.plan).filter((d) => /^SCAN\b/.test(d));
  const tickOk = tick !== undefined && tick.t.median <= TARGET_MS;
  const allOk = allDue !== undefined && allDue.t.median <= TARGET_MS;
  const rssGrowth = (m.rss[m.rss.length - 1] ?? 0) - (m.rss[0] ?? 0);
  const heapGrowth = (m.heap[m.heap.length - 1] ?? 0) - (m.heap[0] ?? 0);
  const lines = [
    `Seeded ${fmtN(big.secrets)} secrets (${(big.bytes / 1048576).toFixed(0)} MiB file, ~${big.docBytes} B of JSON per secret) in ${big.seconds.toFixed(1)} s` +
      (big.secrets < target ? ` — stopped short of ${fmtN(target)} by the ${budget} s budget` : '') +
      `; baseline ${fmtN(small.secrets)} in ${small.seconds.toFixed(1)} s. 1 % due.`,
    '',
    '| table | secrets | due | limit | returned | median ms | p95 ms |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...m.rows.map((r) => `| ${r.table} | ${fmtN(r.secrets)} | ${fmtN(r.due)} | ${fmtN(r.limit)} | ${fmtN(r.t.returned)} | ${r.t.median.toFixed(2)} | ${r.t.p95.toFixed(2)} |`),
    '',
    `- One engine tick (limit ${ENGINE_LIMIT}) among ${fmtN(big.secrets)} secrets: median ${tick?.t.median.toFixed(2) ?? '?'} ms (target ≤ ${TARGET_MS} ms: ${tickOk ? 'met' : 'NOT met'}).`,
    `- All ${fmtN(bigDue)} due secrets in one call: median ${allDue?.t.median.toFixed(2) ?? '?'} ms (≤ ${TARGET_MS} ms: ${allOk ? 'met' : 'NOT met'}); the same SQL without parsing the documents: ${m.sqlOnlyAllDue.median.toFixed(2)} ms.`,
    `- Same due count (100) among ${fmtN(big.secrets)} vs ${fmtN(small.secrets)} secrets: ${big100?.t.median.toFixed(2) ?? '?'} ms vs ${small100?.t.median.toFixed(2) ?? '?'} ms.`,
    `- Full scans: ${scans.length === 0 ? 'none' : scans.join('; ')}. EXPLAIN QUERY PLAN of the store's statements:`,
    ...m.plans.map((p) => `  - \`${p.statement}\`: ${p.plan.map((d) => `\`${d}\``).join('; ')}`),
    `- Memory of the measuring process after 100 warm-up ticks, then every 200 ticks up to 2,000 (each after a GC): RSS ${m.rss.map((x) => x.toFixed(0)).join(', ')} MiB (${rssGrowth >= 0 ? '+' : ''}${rssGrowth.toFixed(1)} MiB); JS heap ${m.heap.map((x) => x.toFixed(1)).join(', ')} MiB (${heapGrowth >= 0 ? '+' : ''}${heapGrowth.toFixed(2)} MiB).`,
  ];
  return { markdown: lines.join('\n'), pass: tickOk && scans.length === 0 };
}

const arg = process.argv[1];
if (arg !== undefined && pathToFileURL(arg).href === import.meta.url) {
  const [flag, bigPath, bigN, smallPath, smallN] = process.argv.slice(2);
  if (flag === '--measure' && bigPath !== undefined && smallPath !== undefined) {
    process.stdout.write(JSON.stringify(await measure(bigPath, Number(bigN), smallPath, Number(smallN))));
    process.exit(0);
  }
  const r = await run();
  process.stdout.write(`${r.markdown}\n`);
  process.exit(0);
}
