/**
 * 1. GetSecretValue throughput and latency: SigV4 verification + lookup + envelope decryption, load from wrk
 * in a separate process over loopback. Baseline in the same run: a bare node:http server (same core, same
 * request bytes) answering the very response body Rotor produced, as a constant.
 *
 * wrk cannot compute SigV4, so one request is signed here and replayed: the server allows ±5 minutes of
 * clock skew and does not reject replays, so a 10-second run is valid. The request is re-signed before
 * every wrk run and sent once through node:http first to check that it is accepted.
 *
 * Half-load latency: there is no wrk2 in Debian, so the load is paced with wrk's Lua `delay()` hook: each of
 * C connections waits D ms after a response before its next request; D is calibrated in two short runs so
 * that the achieved rate is half the measured peak, then a full run measures p50/p99 at that rate. The bare
 * server is run at the same pacing as the latency baseline, and Rotor once more closed-loop with a single
 * connection (the brief's alternative: a connection count that lands near half the peak).
 *
 * Also at peak: the same read on a secret holding 99 versions (PutSecretValue 98 times; the quota allows
 * 100 versions younger than 24 h), since every read parses the secret's whole stored document.
 *
 *   node --import tsx bench/get-secret-value.ts
 */
import { randomUUID } from 'node:crypto';
import {
  Client,
  busyNote,
  ensureBuilt,
  fmt,
  fmtInt,
  isMain,
  log,
  luaPost,
  pinSelf,
  printTable,
  rotorCommand,
  runWrk,
  signedHeaders,
  startRotor,
  startBare,
  stopChild,
  tempDir,
  removeDir,
  waitForQuiet,
  type Row,
  type WrkResult,
} from './lib.js';

export interface GsvOptions {
  durationS: number;
  warmupS: number;
  calibrateS: number;
  connections: number;
  halfLoadConnections: number;
  /** Versions of the second secret read at peak (≤ 100: the quota for versions younger than 24 h). */
  versions: number;
}

export const GSV_DEFAULTS: GsvOptions = { durationS: 10, warmupS: 3, calibrateS: 2, connections: 32, halfLoadConnections: 8, versions: 99 };

export interface GsvResult {
  bare: WrkResult;
  rotor: WrkResult;
  half: WrkResult & { targetRps: number; delayMs: number };
  bareHalf: WrkResult;
  oneConnection: WrkResult;
  manyVersions: WrkResult;
  responseBytes: number;
  rows: Row[];
  commands: string[];
}

function check(label: string, r: WrkResult): void {
  if (r.errors > 0) throw new Error(`${label}: wrk saw ${r.errors} errors (${r.non2xx} non-2xx answers); numbers would be meaningless`);
}

export async function run(opts: Partial<GsvOptions> = {}): Promise<GsvResult> {
  const o: GsvOptions = { ...GSV_DEFAULTS, ...opts };
  ensureBuilt();
  pinSelf();
  await waitForQuiet('GetSecretValue');
  const dataDir = tempDir('gsv');
  const rotor = await startRotor({ dataDir });
  const commands: string[] = [rotorCommand({ dataDir: '<tmp>' }).join(' ')];
  try {
    const client = new Client(rotor.port);
    const name = 'bench/get-secret-value';
    const secretString = JSON.stringify({ username: 'app_user', password: 'cU7#pLq9!vR2@xZ8$wK4^mN6&bT1*yH3', host: 'db.internal', port: 5432 });
    await client.ok('CreateSecret', { Name: name, SecretString: secretString, ClientRequestToken: randomUUID() });
    const body = JSON.stringify({ SecretId: name });
    // The first read of the day records LastAccessedDate (one write); every later read is read-only.
    await client.ok('GetSecretValue', { SecretId: name });
    const sample = await client.ok('GetSecretValue', { SecretId: name });
    if (sample.body.SecretString !== secretString) throw new Error('GetSecretValue did not return the value');
    client.close();

    // Baseline: the bare server, same core, same request bytes, Rotor's exact response as a constant.
    const bare = await startBare(sample.text);
    let bareResult: WrkResult;
    try {
      const lua = luaPost(body, signedHeaders(bare.port, 'GetSecretValue', body));
      log(`bare node:http: warm-up ${o.warmupS}s, run ${o.durationS}s, ${o.connections} connections`);
      await runWrk({ port: bare.port, connections: o.connections, durationS: o.warmupS, luaRequest: lua });
      bareResult = await runWrk({ port: bare.port, connections: o.connections, durationS: o.durationS, luaRequest: lua });
      check('bare', bareResult);
    } finally {
      await stopChild(bare.proc);
    }

    // Rotor at peak (closed loop, many connections).
    const signed = () => {
      const h = signedHeaders(rotor.port, 'GetSecretValue', body);
      return luaPost(body, h);
    };
    const probe = new Client(rotor.port);
    await probe.ok('GetSecretValue', { SecretId: name });
    probe.close();
    log(`rotor GetSecretValue: warm-up ${o.warmupS}s, run ${o.durationS}s, ${o.connections} connections`);
    await runWrk({ port: rotor.port, connections: o.connections, durationS: o.warmupS, luaRequest: signed() });
    const peak = await runWrk({ port: rotor.port, connections: o.connections, durationS: o.durationS, luaRequest: signed() });
    check('rotor peak', peak);

    // The same read on a secret that has accumulated versions: every read parses the secret's whole document.
    const many = 'bench/get-secret-value-99-versions';
    const setup = new Client(rotor.port);
    await setup.ok('CreateSecret', { Name: many, SecretString: secretString, ClientRequestToken: randomUUID() });
    for (let i = 0; i < o.versions - 1; i++) {
      await setup.ok('PutSecretValue', { SecretId: many, SecretString: `${secretString}-${i}`, ClientRequestToken: randomUUID() });
    }
    await setup.ok('GetSecretValue', { SecretId: many });
    setup.close();
    const manyBody = JSON.stringify({ SecretId: many });
    const signedMany = () => luaPost(manyBody, signedHeaders(rotor.port, 'GetSecretValue', manyBody));
    log(`rotor GetSecretValue, secret with ${o.versions} versions: warm-up 1s, run ${o.durationS}s`);
    await runWrk({ port: rotor.port, connections: o.connections, durationS: 1, luaRequest: signedMany() });
    const manyPeak = await runWrk({ port: rotor.port, connections: o.connections, durationS: o.durationS, luaRequest: signedMany() });
    check('rotor peak, many versions', manyPeak);

    // Half of the peak, paced: calibrate the per-connection delay (two short runs), then measure.
    const target = peak.rps / 2;
    const c = o.halfLoadConnections;
    let delayMs = Math.max(0, (c * 1000) / target - peak.p50Ms / 4);
    for (let i = 0; i < 2; i++) {
      log(`rotor at half load: calibrating for ${fmtInt(target)} req/s (${c} connections, delay ${fmt(delayMs)} ms)`);
      const cal = await runWrk({ port: rotor.port, connections: c, durationS: o.calibrateS, luaRequest: signed(), delayMs });
      check('rotor calibration', cal);
      const overhead = (c * 1000) / cal.rps - delayMs;
      delayMs = Math.max(0, (c * 1000) / target - overhead);
    }
    log(`rotor at half load: run ${o.durationS}s with delay ${fmt(delayMs)} ms`);
    const half = await runWrk({ port: rotor.port, connections: c, durationS: o.durationS, luaRequest: signed(), delayMs });
    check('rotor half load', half);
    // The brief's alternative: closed loop with few connections (1 connection lands near half the peak here).
    log(`rotor closed loop, 1 connection: run ${o.durationS}s`);
    const one = await runWrk({ port: rotor.port, connections: 1, durationS: o.durationS, luaRequest: signed() });
    check('rotor 1 connection', one);

    // Baseline for the half-load latency: the bare server, same pacing (the VM's own wake-up jitter shows here).
    const bare2 = await startBare(sample.text);
    let bareHalf: WrkResult;
    try {
      const lua = luaPost(body, signedHeaders(bare2.port, 'GetSecretValue', body));
      log(`bare node:http at the same pacing: run ${o.durationS}s`);
      await runWrk({ port: bare2.port, connections: c, durationS: 1, luaRequest: lua, delayMs });
      bareHalf = await runWrk({ port: bare2.port, connections: c, durationS: o.durationS, luaRequest: lua, delayMs });
      check('bare half load', bareHalf);
    } finally {
      await stopChild(bare2.proc);
    }
    commands.push(
      `bare:  ${bareResult.command}`,
      `rotor: ${peak.command}`,
      `rotor: ${half.command}   (Lua delay() ${fmt(delayMs)} ms mean per connection)`,
      `rotor: ${one.command}`,
      `rotor: ${manyPeak.command}   (secret with ${o.versions} versions)`,
      `bare:  ${bareHalf.command}   (same delay)`,
    );

    const ratio = peak.rps / bareResult.rps;
    const lat = (r: WrkResult) => `p50 ${fmt(r.p50Ms)} ms, p99 ${fmt(r.p99Ms)} ms${busyNote(r.foreignCores)}`;
    const rows: Row[] = [
      { section: 'GetSecretValue', metric: `bare node:http, closed loop c=${o.connections}`, value: `${fmtInt(bareResult.rps)} req/s, ${lat(bareResult)}`, target: '(baseline)' },
      { section: 'GetSecretValue', metric: `Rotor peak, closed loop c=${o.connections}`, value: `${fmtInt(peak.rps)} req/s, ${lat(peak)}`, target: '≥ 10,000 req/s', pass: peak.rps >= 10_000 },
      { section: 'GetSecretValue', metric: 'Rotor peak / bare', value: `${fmt(ratio * 100, 1)} %`, target: '≥ 30 %', pass: ratio >= 0.3 },
      {
        section: 'GetSecretValue',
        metric: `Rotor peak, secret with ${o.versions} versions, c=${o.connections}`,
        value: `${fmtInt(manyPeak.rps)} req/s (${fmt((manyPeak.rps / peak.rps) * 100, 0)} % of the 1-version peak), ${lat(manyPeak)}`,
        target: '(report)',
      },
      {
        section: 'GetSecretValue',
        metric: `Rotor at half peak, paced c=${c}`,
        value: `${fmtInt(half.rps)} req/s, ${lat(half)}`,
        target: 'p99 ≤ 5 ms',
        pass: half.p99Ms <= 5,
      },
      { section: 'GetSecretValue', metric: `bare node:http, same pacing c=${c}`, value: `${fmtInt(bareHalf.rps)} req/s, ${lat(bareHalf)}`, target: '(baseline)' },
      { section: 'GetSecretValue', metric: 'Rotor closed loop c=1', value: `${fmtInt(one.rps)} req/s (${fmt((one.rps / peak.rps) * 100, 0)} % of peak), ${lat(one)}`, target: 'p99 ≤ 5 ms', pass: one.p99Ms <= 5 },
    ];
    return { bare: bareResult, rotor: peak, half: { ...half, targetRps: target, delayMs }, bareHalf, oneConnection: one, manyVersions: manyPeak, responseBytes: Buffer.byteLength(sample.text), rows, commands };
  } finally {
    await rotor.stop();
    removeDir(dataDir);
  }
}

if (isMain(import.meta.url)) {
  const r = await run();
  printTable('GetSecretValue', r.rows);
  process.stdout.write(`\nresponse body: ${r.responseBytes} bytes\ncommands:\n${r.commands.map((c) => `  ${c}`).join('\n')}\n`);
  process.exit(0);
}
