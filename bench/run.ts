/**
 * Runs every benchmark in turn and prints one table (markdown) of the numbers against the targets.
 * Exits 0 whenever the benchmarks ran, whether or not the targets were met; non-zero only if the harness
 * itself failed (the server did not start, a request was refused, …).
 *
 *   npm run bench            (= node --import tsx bench/run.ts)
 *
 * Each part is runnable alone: bench/get-secret-value.ts, bench/writes.ts, bench/list-secrets.ts,
 * bench/memory.ts, bench/startup.ts. The server runs on core 0 and the load generators on core 1
 * (taskset). Set BENCH_NO_BUILD=1 to skip `npm run build`. Before each part the harness waits for other
 * processes on the machine to go quiet, at most BENCH_QUIET_WAIT_S seconds in all (default 90), and every
 * number measured while others used more than 0.2 of a core is flagged in the table.
 */
import { performance } from 'node:perf_hooks';
import * as lib from './lib.js';
import { ensureBuilt, fmt, isMain, log, machineInfo, pinSelf, printTable, removeDir, type Row } from './lib.js';
import * as gsv from './get-secret-value.js';
import * as writes from './writes.js';
import * as list from './list-secrets.js';
import * as memory from './memory.js';
import * as startup from './startup.js';

export async function runAll(): Promise<{ rows: Row[]; commands: string[] }> {
  const t0 = performance.now();
  ensureBuilt();
  pinSelf();
  const rows: Row[] = [];
  const commands: string[] = [];
  const add = (name: string, r: { rows: Row[]; commands: string[] }) => {
    rows.push(...r.rows);
    commands.push(...r.commands.map((c) => `[${name}] ${c}`));
  };
  log('1/5 GetSecretValue');
  add('get-secret-value', await gsv.run());
  log('2/5 durable writes');
  add('writes', await writes.run());
  log('3/5 ListSecrets');
  const l = await list.run({ keepDataDir: true });
  add('list-secrets', l);
  try {
    log('4/5 memory');
    add('memory', await memory.run(l.dataDir !== undefined ? { dataDir: l.dataDir, size: l.size } : {}));
    log('5/5 cold start');
    add('startup', await startup.run(l.dataDir !== undefined ? { dataDir: l.dataDir, size: l.size } : {}));
  } finally {
    if (l.dataDir !== undefined) removeDir(l.dataDir);
  }
  commands.push(`total time ${fmt((performance.now() - t0) / 1000, 0)} s on ${machineInfo()}`);
  if (lib.buildWarning !== undefined) commands.push(`warning: ${lib.buildWarning}`);
  return { rows, commands };
}

if (isMain(import.meta.url)) {
  const r = await runAll();
  printTable('Rotor benchmarks', r.rows);
  const failed = r.rows.filter((x) => x.pass === false).length;
  const passed = r.rows.filter((x) => x.pass === true).length;
  process.stdout.write(`\ntargets: ${passed} met, ${failed} not met\ncommands:\n${r.commands.map((c) => `  ${c}`).join('\n')}\n`);
  process.exit(0);
}
