/**
 * 4. Server memory with 100,000 secrets: VmRSS (and the peak, VmHWM) of the server process from
 * /proc/<pid>/status, right after start, and after listing every secret (ListSecrets, all pages of 100)
 * and reading a random sample with GetSecretValue. Values are not held in memory, so RSS should not
 * depend on the number of secrets. Baseline in the same run: the same server on an empty data directory.
 *
 *   node --import tsx bench/memory.ts            (seeds its own 100k data directory first)
 */
import {
  Client,
  busyNote,
  ensureBuilt,
  fmt,
  fmtInt,
  isMain,
  log,
  memoryOf,
  pinSelf,
  printTable,
  removeDir,
  rotorCommand,
  startRotor,
  tempDir,
  waitForQuiet,
  withForeignLoad,
  type Row,
} from './lib.js';
import { seed, seedName } from './seed.js';

export interface MemoryOptions {
  /** An existing data directory with `size` secrets (from list-secrets); seeded here if absent. */
  dataDir?: string;
  size: number;
  sample: number;
  maxPages: number;
}

export const MEMORY_DEFAULTS: MemoryOptions = { size: 100_000, sample: 1000, maxPages: 2000 };

export interface MemoryResult {
  emptyRssMiB: number;
  startRssMiB: number;
  afterRssMiB: number;
  afterHwmMiB: number;
  pagesListed: number;
  secretsListed: number;
  rows: Row[];
  commands: string[];
}

const LIMIT_MIB = 200e6 / 1048576;

export async function run(opts: Partial<MemoryOptions> = {}): Promise<MemoryResult> {
  const o: MemoryOptions = { ...MEMORY_DEFAULTS, ...opts };
  ensureBuilt();
  pinSelf();
  let dataDir = o.dataDir;
  let own = false;
  if (dataDir === undefined) {
    dataDir = tempDir('memory');
    own = true;
    log(`memory: seeding ${fmtInt(o.size)} secrets`);
    await seed(dataDir, 0, o.size);
  }
  try {
    await waitForQuiet('memory');
    // Baseline: an empty server after start and a few requests.
    const emptyDir = tempDir('memory-empty');
    const empty = await startRotor({ dataDir: emptyDir });
    let emptyRssMiB: number;
    try {
      const c = new Client(empty.port);
      await c.ok('ListSecrets', { MaxResults: 100 });
      c.close();
      emptyRssMiB = memoryOf(empty.pid).rssMiB;
    } finally {
      await empty.stop();
      removeDir(emptyDir);
    }

    const rotor = await startRotor({ dataDir });
    try {
      const startRssMiB = memoryOf(rotor.pid).rssMiB;
      const client = new Client(rotor.port);
      log(`memory: listing all ${fmtInt(o.size)} secrets, then reading ${o.sample} of them`);
      const work = await withForeignLoad(async () => {
        let token: string | undefined;
        let pages = 0;
        let secrets = 0;
        do {
          const r = await client.ok('ListSecrets', { MaxResults: 100, ...(token !== undefined ? { NextToken: token } : {}) });
          const list = r.body.SecretList;
          secrets += Array.isArray(list) ? list.length : 0;
          token = typeof r.body.NextToken === 'string' ? r.body.NextToken : undefined;
          pages++;
        } while (token !== undefined && pages < o.maxPages);
        for (let i = 0; i < o.sample; i++) {
          const r = await client.ok('GetSecretValue', { SecretId: seedName(Math.floor(Math.random() * o.size)) });
          if (typeof r.body.SecretString !== 'string') throw new Error('GetSecretValue returned no SecretString');
        }
        return { pages, secrets };
      });
      client.close();
      const after = memoryOf(rotor.pid);
      const rows: Row[] = [
        { section: 'memory', metric: 'server RSS, empty data dir (baseline)', value: `${fmt(emptyRssMiB, 1)} MiB`, target: '(baseline)' },
        { section: 'memory', metric: `server RSS, ${fmtInt(o.size)} secrets, after start`, value: `${fmt(startRssMiB, 1)} MiB`, target: '' },
        {
          section: 'memory',
          metric: `server RSS, ${fmtInt(o.size)} secrets, after listing all and reading ${o.sample}`,
          value: `${fmt(after.rssMiB, 1)} MiB (peak ${fmt(after.hwmMiB, 1)} MiB)${busyNote(work.foreignCores)}`,
          target: `≤ 200 MB (${fmt(LIMIT_MIB, 1)} MiB)`,
          pass: after.rssMiB <= LIMIT_MIB,
        },
      ];
      if (work.result.secrets !== o.size) log(`memory: listed ${work.result.secrets} secrets, expected ${o.size}`);
      return {
        emptyRssMiB,
        startRssMiB,
        afterRssMiB: after.rssMiB,
        afterHwmMiB: after.hwmMiB,
        pagesListed: work.result.pages,
        secretsListed: work.result.secrets,
        rows,
        commands: [`${rotorCommand({ dataDir: '<tmp>' }).join(' ')}; VmRSS/VmHWM from /proc/<pid>/status`],
      };
    } finally {
      await rotor.stop();
    }
  } finally {
    if (own) removeDir(dataDir);
  }
}

if (isMain(import.meta.url)) {
  const r = await run();
  printTable('Memory', r.rows);
  process.stdout.write(`\ncommands:\n${r.commands.map((c) => `  ${c}`).join('\n')}\n`);
  process.exit(0);
}
