/**
 * 5. Cold start: wall time from spawning `node bin/rotor.js serve` (pinned to the server core) to the first
 * 200 from GET /health, with an existing 100,000-secret data directory and with an empty one (a fresh
 * directory each time: master key generated, migrations applied). Baseline in the same run: a bare
 * node:http server started and polled the same way. The OS page cache is warm (nothing is dropped).
 *
 *   node --import tsx bench/startup.ts            (seeds its own 100k data directory first)
 */
import { performance } from 'node:perf_hooks';
import {
  startBare,
  busyNote,
  ensureBuilt,
  fmt,
  fmtInt,
  httpGet,
  isMain,
  log,
  median,
  pinSelf,
  printTable,
  removeDir,
  rotorCommand,
  sleep,
  startRotor,
  tempDir,
  waitForQuiet,
  withForeignLoad,
  type Rotor,
  type Row,
} from './lib.js';
import { seed } from './seed.js';

export interface StartupOptions {
  dataDir?: string;
  size: number;
  reps: number;
}

export const STARTUP_DEFAULTS: StartupOptions = { size: 100_000, reps: 5 };

export interface StartupResult {
  bareMs: number[];
  emptyMs: number[];
  fullMs: number[];
  rows: Row[];
  commands: string[];
}

/** Spawn → first 200 on /health, in ms. */
async function coldStart(start: () => Promise<Rotor>): Promise<number> {
  const t0 = performance.now();
  const s = await start();
  try {
    const deadline = performance.now() + 10_000;
    for (;;) {
      let status = 0;
      try {
        status = await httpGet(s.port, '/health', 1000);
      } catch {
        status = 0;
      }
      if (status === 200) return performance.now() - t0;
      if (performance.now() > deadline) throw new Error('no 200 from /health within 10 s of listening');
      await sleep(2);
    }
  } finally {
    await s.stop();
  }
}

export async function run(opts: Partial<StartupOptions> = {}): Promise<StartupResult> {
  const o: StartupOptions = { ...STARTUP_DEFAULTS, ...opts };
  ensureBuilt();
  pinSelf();
  let dataDir = o.dataDir;
  let own = false;
  if (dataDir === undefined) {
    dataDir = tempDir('startup');
    own = true;
    log(`startup: seeding ${fmtInt(o.size)} secrets`);
    await seed(dataDir, 0, o.size);
  }
  const full = dataDir;
  try {
    await waitForQuiet('startup');
    log(`startup: ${o.reps} cold starts each`);
    const measured = await withForeignLoad(async () => {
      const bareMs: number[] = [];
      const emptyMs: number[] = [];
      const fullMs: number[] = [];
      for (let i = 0; i < o.reps; i++) {
        bareMs.push(await coldStart(() => startBare('{"status":"ok"}')));
        const d = tempDir('startup-empty');
        emptyMs.push(await coldStart(() => startRotor({ dataDir: d })));
        removeDir(d);
        fullMs.push(await coldStart(() => startRotor({ dataDir: full })));
      }
      return { bareMs, emptyMs, fullMs };
    });
    const { bareMs, emptyMs, fullMs } = measured.result;
    const busy = busyNote(measured.foreignCores);
    const show = (xs: number[]) => `median ${fmtInt(median(xs))} ms, max ${fmtInt(Math.max(...xs))} ms (${xs.map((x) => fmtInt(x)).join(', ')})`;
    const rows: Row[] = [
      { section: 'cold start', metric: 'bare node:http server (baseline)', value: show(bareMs), target: '(baseline)' },
      { section: 'cold start', metric: 'Rotor, empty data dir', value: `${show(emptyMs)}${busy}`, target: '≤ 1 s', pass: Math.max(...emptyMs) <= 1000 },
      { section: 'cold start', metric: `Rotor, ${fmtInt(o.size)} secrets`, value: `${show(fullMs)}${busy}`, target: '≤ 1 s', pass: Math.max(...fullMs) <= 1000 },
    ];
    return {
      bareMs,
      emptyMs,
      fullMs,
      rows,
      commands: [`${rotorCommand({ dataDir: '<dir>' }).join(' ')}; spawn → first 200 from GET /health, ${o.reps} runs each, interleaved (${fmt(measured.foreignCores)} cores used by others)`],
    };
  } finally {
    if (own) removeDir(full);
  }
}

if (isMain(import.meta.url)) {
  const r = await run();
  printTable('Cold start', r.rows);
  process.stdout.write(`\ncommands:\n${r.commands.map((c) => `  ${c}`).join('\n')}\n`);
  process.exit(0);
}
