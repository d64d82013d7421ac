/**
 * 3. ListSecrets latency at 10,000 and 100,000 secrets (the same data directory, grown in place), over
 * HTTP against the real server, one keep-alive connection, one request at a time, MaxResults=100, the
 * default sort (created-date, ascending):
 *   - no filter, and a name-prefix filter matching 60 % of the secrets: the first page, and a deep page
 *     (NextToken followed 50 pages in, then page 51 requested repeatedly with that token);
 *   - a narrow name prefix matching 0.5 %: the first page and page 2 (which exists only at 100k).
 * Target: ≤ 10 ms each (judged on p99), and not growing with the number of secrets (p50 at 100k at most
 * 1.5 × p50 at 10k). Baseline in the same run: the same client against a bare node:http server answering
 * Rotor's first page (≈ 60 KiB) as a constant, which shows the client, loopback and VM share of the tail.
 *
 *   node --import tsx bench/list-secrets.ts
 */
import {
  startBare,
  Client,
  busyNote,
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
  stopChild,
  summarize,
  tempDir,
  waitForQuiet,
  withForeignLoad,
  type Row,
  type Summary,
} from './lib.js';
import { PREFIX_BROAD, PREFIX_NARROW, seed } from './seed.js';

export interface ListOptions {
  sizes: number[];
  reps: number;
  warmup: number;
  depth: number;
  /** Keep the data directory (at the largest size) for the memory and startup benchmarks. */
  keepDataDir: boolean;
}

export const LIST_DEFAULTS: ListOptions = { sizes: [10_000, 100_000], reps: 200, warmup: 10, depth: 50, keepDataDir: false };

interface Case {
  label: string;
  filters?: { Key: string; Values: string[] }[];
  /** Pages to follow before timing the next one; undefined: the option's depth. */
  depth?: number;
}

const CASES: Case[] = [
  { label: 'no filter' },
  { label: `name prefix "${PREFIX_BROAD}" (60 %)`, filters: [{ Key: 'name', Values: [PREFIX_BROAD] }] },
  // 50 matches at 10k (one page), 500 at 100k: page 2 exists only at the larger size.
  { label: `name prefix "${PREFIX_NARROW}" (0.5 %)`, filters: [{ Key: 'name', Values: [PREFIX_NARROW] }], depth: 1 },
];

export interface Measurement {
  size: number;
  case: string;
  /** 1 for the first page. */
  page: number;
  latency: Summary;
  foreignCores: number;
}

export interface ListResult {
  measurements: Measurement[];
  /** The bare node:http server answering Rotor's first page (no filter) as a constant, same client. */
  baseline?: { bytes: number; latency: Summary; foreignCores: number };
  seedSeconds: Record<number, number>;
  rows: Row[];
  commands: string[];
  dataDir?: string;
  size: number;
}

type Input = Record<string, unknown>;

async function timed(client: Client, input: Input, reps: number, warmup: number): Promise<Summary> {
  for (let i = 0; i < warmup; i++) await client.ok('ListSecrets', input);
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const r = await client.ok('ListSecrets', input);
    const list = r.body.SecretList;
    if (!Array.isArray(list) || list.length === 0) throw new Error(`ListSecrets returned no secrets for ${JSON.stringify(input)}`);
    ms.push(r.ms);
  }
  return summarize(ms);
}

/** Follows NextToken `depth` pages; returns the token for the next page, or undefined if the list ends first. */
async function tokenAt(client: Client, base: Input, depth: number): Promise<string | undefined> {
  let token: string | undefined;
  for (let p = 0; p < depth; p++) {
    const r = await client.ok('ListSecrets', token !== undefined ? { ...base, NextToken: token } : base);
    const next = r.body.NextToken;
    if (typeof next !== 'string') return undefined;
    token = next;
  }
  return token;
}

export async function run(opts: Partial<ListOptions> = {}): Promise<ListResult> {
  const o: ListOptions = { ...LIST_DEFAULTS, ...opts };
  ensureBuilt();
  pinSelf();
  const dataDir = tempDir('list');
  const measurements: Measurement[] = [];
  const seedSeconds: Record<number, number> = {};
  let seeded = 0;
  let pageText: string | undefined;
  try {
    for (const size of [...o.sizes].sort((a, b) => a - b)) {
      log(`ListSecrets: seeding ${fmtInt(size - seeded)} secrets (to ${fmtInt(size)})`);
      seedSeconds[size] = await seed(dataDir, seeded, size);
      seeded = size;
      await waitForQuiet(`ListSecrets at ${fmtInt(size)}`);
      const rotor = await startRotor({ dataDir });
      const client = new Client(rotor.port);
      try {
        pageText ??= (await client.ok('ListSecrets', { MaxResults: 100 })).text;
        for (const c of CASES) {
          const base: Input = { MaxResults: 100, ...(c.filters ? { Filters: c.filters } : {}) };
          log(`ListSecrets at ${fmtInt(size)}: ${c.label}, first page`);
          const first = await withForeignLoad(() => timed(client, base, o.reps, o.warmup));
          measurements.push({ size, case: c.label, page: 1, latency: first.result, foreignCores: first.foreignCores });
          const depth = c.depth ?? o.depth;
          const token = await tokenAt(client, base, depth);
          if (token === undefined) {
            log(`ListSecrets at ${fmtInt(size)}: ${c.label} has fewer than ${depth + 1} pages`);
            continue;
          }
          log(`ListSecrets at ${fmtInt(size)}: ${c.label}, page ${depth + 1}`);
          const deep = await withForeignLoad(() => timed(client, { ...base, NextToken: token }, o.reps, o.warmup));
          measurements.push({ size, case: c.label, page: depth + 1, latency: deep.result, foreignCores: deep.foreignCores });
        }
      } finally {
        client.close();
        await rotor.stop();
      }
    }
  } catch (e) {
    removeDir(dataDir);
    throw e;
  }

  // Baseline: the same client against a bare node:http server answering Rotor's first page as a constant.
  let baseline: ListResult['baseline'];
  if (pageText !== undefined) {
    log('ListSecrets baseline: bare node:http with a constant first page');
    const bare = await startBare(pageText);
    const client = new Client(bare.port);
    try {
      const b = await withForeignLoad(() => timed(client, { MaxResults: 100 }, o.reps, o.warmup));
      baseline = { bytes: Buffer.byteLength(pageText), latency: b.result, foreignCores: b.foreignCores };
    } finally {
      client.close();
      await stopChild(bare.proc);
    }
  }

  const sizes = [...o.sizes].sort((a, b) => a - b);
  const small = sizes[0];
  const large = sizes[sizes.length - 1];
  const rows: Row[] = [];
  if (baseline) {
    rows.push({
      section: 'ListSecrets',
      metric: `bare node:http, constant first page (${fmtInt(baseline.bytes / 1024)} KiB), same client`,
      value: `p50 ${fmt(baseline.latency.p50)} ms, p99 ${fmt(baseline.latency.p99)} ms${busyNote(baseline.foreignCores)}`,
      target: '(baseline)',
    });
  }
  for (const m of measurements) {
    const page = m.page === 1 ? 'first page' : `page ${m.page}`;
    const busy = busyNote(m.foreignCores);
    rows.push({
      section: `ListSecrets @ ${fmtInt(m.size)}`,
      metric: `${m.case}, ${page}`,
      value: `p50 ${fmt(m.latency.p50)} ms, p99 ${fmt(m.latency.p99)} ms${busy}`,
      target: '≤ 10 ms',
      pass: m.latency.p99 <= 10,
    });
  }
  if (small !== undefined && large !== undefined && small !== large) {
    for (const m of measurements.filter((x) => x.size === large)) {
      const base = measurements.find((x) => x.size === small && x.case === m.case && x.page === m.page);
      if (!base) continue;
      const ratio = m.latency.p50 / base.latency.p50;
      rows.push({
        section: 'ListSecrets growth',
        metric: `${m.case}, ${m.page === 1 ? 'first page' : `page ${m.page}`}: p50 ${fmtInt(large)} / ${fmtInt(small)}`,
        value: `× ${fmt(ratio)}`,
        target: '≤ × 1.5',
        pass: ratio <= 1.5,
      });
    }
  }
  const commands = [
    `seed: in-process createSecret through createApp (bench/seed.ts), ${Object.entries(seedSeconds).map(([n, s]) => `to ${fmtInt(Number(n))} in ${s.toFixed(1)} s`).join(', ')}`,
    rotorCommand({ dataDir: '<tmp>' }).join(' '),
    `client: one keep-alive connection, sequential, ${o.warmup} warm-up + ${o.reps} timed requests per case`,
  ];
  const keep = o.keepDataDir;
  if (!keep) removeDir(dataDir);
  return { measurements, seedSeconds, rows, commands, size: large ?? 0, ...(keep ? { dataDir } : {}), ...(baseline ? { baseline } : {}) };
}

if (isMain(import.meta.url)) {
  const r = await run();
  printTable('ListSecrets', r.rows);
  process.stdout.write(`\ncommands:\n${r.commands.map((c) => `  ${c}`).join('\n')}\n`);
  process.exit(0);
}
