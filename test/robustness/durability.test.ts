/**
 * Crash durability of a real `rotor serve --data-dir` process: several concurrent SDK clients stream
 * CreateSecret/PutSecretValue writes (bounded in time and count), the server is SIGKILLed mid-stream, restarted
 * on the same data dir, and every acknowledged write must be there with its value and labels; no secret may be
 * half-applied. Three kills at different moments, on the same growing data dir.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startRotor, stopAllRotors, tempDir, type RotorProcess } from '../helpers/process.js';

interface Write {
  versionId: string;
  value: string;
  /** performance.now() when sent / acknowledged (shared secrets: ordering check). */
  sentAt: number;
  ackedAt?: number;
}
interface SecretLedger {
  name: string;
  /** The one worker that writes it, or -1 for a secret all workers write concurrently. */
  owner: number;
  /** Acknowledged writes in order (CreateSecret first). */
  writes: Write[];
}
interface InFlight {
  kind: 'create' | 'put';
  name: string;
  write: Write;
}

const WORKERS = 4;
const MAX_REQUESTS_PER_ROUND = 2000;
const MAX_ROUND_MS = 3000;
/** Kill moments (ms after the stream starts). */
const KILL_AT = [300, 800, 1500];
/** Keep every secret far below the 100-version quota. */
const MAX_VERSIONS = 40;
/** Secrets written by all workers at once, per round (at most MAX_SHARED_WRITES writes each). */
const SHARED_PER_ROUND = 2;
const MAX_SHARED_WRITES = 80;

const dir = tempDir('rotor-durability-');
afterAll(async () => {
  await stopAllRotors();
  dir.cleanup();
});

function clientFor(p: RotorProcess): SecretsManagerClient {
  return new SecretsManagerClient({
    endpoint: p.url,
    region: p.region,
    credentials: { accessKeyId: p.accessKeyId, secretAccessKey: p.secretAccessKey },
    maxAttempts: 1,
    requestHandler: { requestTimeout: 5000, connectionTimeout: 2000 },
  });
}

async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) {
        const x = items[i++] as T;
        await fn(x);
      }
    }),
  );
}

describe('durability across SIGKILL', () => {
  it('keeps every acknowledged write, labelled correctly, across three kills', async () => {
    const ledger = new Map<string, SecretLedger>();
    let proc = await startRotor({ dataDir: dir.path });
    const summary: string[] = [];
    try {
      for (let round = 0; round < KILL_AT.length; round++) {
        const killAt = KILL_AT[round] ?? 500;
        const clients = Array.from({ length: WORKERS }, () => clientFor(proc));
        const inflight: (InFlight | undefined)[] = Array.from({ length: WORKERS }, () => undefined);
        let killed = false;
        let sent = 0;
        let acked = 0;
        const unexpected: string[] = [];
        const started = Date.now();
        let seq = 0;
        const shared: SecretLedger[] = [];
        for (let k = 0; k < SHARED_PER_ROUND; k++) {
          const name = `dur-shared-r${round}-${k}`;
          const write: Write = { versionId: randomUUID(), value: `shared-${round}-${k}-initial`, sentAt: performance.now() };
          await (clients[0] as SecretsManagerClient).send(new CreateSecretCommand({ Name: name, SecretString: write.value, ClientRequestToken: write.versionId }));
          write.ackedAt = performance.now();
          const l: SecretLedger = { name, owner: -1, writes: [write] };
          ledger.set(name, l);
          shared.push(l);
        }
        const sharedSent = new Map<string, number>();

        const worker = async (w: number) => {
          const client = clients[w] as SecretsManagerClient;
          while (!killed && sent < MAX_REQUESTS_PER_ROUND && Date.now() - started < MAX_ROUND_MS) {
            const mine = [...ledger.values()].filter((s) => s.owner === w && s.writes.length < MAX_VERSIONS);
            const value = `r${round}-w${w}-${randomBytes(6).toString('hex')}`;
            const write: Write = { versionId: randomUUID(), value, sentAt: 0 };
            const sharedTarget = shared[Math.floor(Math.random() * shared.length)];
            const sharedOk = sharedTarget !== undefined && (sharedSent.get(sharedTarget.name) ?? 0) < MAX_SHARED_WRITES;
            const op: InFlight =
              sharedOk && Math.random() < 0.2
                ? { kind: 'put', name: sharedTarget.name, write }
                : mine.length < 6 || Math.random() < 0.15
                  ? { kind: 'create', name: `dur-r${round}-w${w}-${seq++}`, write }
                  : { kind: 'put', name: (mine[Math.floor(Math.random() * mine.length)] as SecretLedger).name, write };
            if (op.name.startsWith('dur-shared-')) sharedSent.set(op.name, (sharedSent.get(op.name) ?? 0) + 1);
            inflight[w] = op;
            sent++;
            write.sentAt = performance.now();
            try {
              if (op.kind === 'create') {
                const r = await client.send(new CreateSecretCommand({ Name: op.name, SecretString: value, ClientRequestToken: write.versionId }));
                if (r.VersionId !== write.versionId) unexpected.push(`create ${op.name}: VersionId ${String(r.VersionId)} ≠ token`);
                write.ackedAt = performance.now();
                ledger.set(op.name, { name: op.name, owner: w, writes: [write] });
              } else {
                const r = await client.send(new PutSecretValueCommand({ SecretId: op.name, SecretString: value, ClientRequestToken: write.versionId }));
                if (r.VersionId !== write.versionId) unexpected.push(`put ${op.name}: VersionId ${String(r.VersionId)} ≠ token`);
                write.ackedAt = performance.now();
                ledger.get(op.name)?.writes.push(write);
              }
              acked++;
              inflight[w] = undefined;
            } catch (e) {
              if (killed) return; // the connection died with the server: this write is in doubt
              unexpected.push(`${op.kind} ${op.name}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
              inflight[w] = undefined;
              return;
            }
          }
        };
        const killer = new Promise<void>((resolve) => {
          setTimeout(() => {
            killed = true;
            void proc.stop('SIGKILL').then(() => resolve());
          }, killAt);
        });
        await Promise.all([...Array.from({ length: WORKERS }, (_, w) => worker(w)), killer]);
        for (const c of clients) c.destroy();
        expect(unexpected, 'writes refused before the kill').toEqual([]);
        expect(acked, `round ${round}: some writes were acknowledged before the kill`).toBeGreaterThan(0);

        proc = await startRotor({ dataDir: dir.path });
        const sm = clientFor(proc);
        try {
          // In-doubt writes: adopt them if they made it (then they must be whole), forget them otherwise.
          let adopted = 0;
          for (const [w, f] of inflight.entries()) {
            if (f === undefined) continue;
            let present: string | undefined;
            try {
              const g = await sm.send(new GetSecretValueCommand({ SecretId: f.name, VersionId: f.write.versionId }));
              present = g.SecretString;
            } catch (e) {
              expect((e as Error).name, `in-doubt ${f.kind} ${f.name}`).toBe('ResourceNotFoundException');
            }
            if (present === undefined) continue;
            expect(present, `in-doubt ${f.kind} ${f.name} is whole`).toBe(f.write.value);
            adopted++;
            if (f.kind === 'create') ledger.set(f.name, { name: f.name, owner: w, writes: [f.write] });
            else ledger.get(f.name)?.writes.push(f.write);
          }

          // No secret that we did not write (or that was in doubt) exists, and none that we wrote is missing.
          const listed: string[] = [];
          let token: string | undefined;
          for (let i = 0; i < 200; i++) {
            const page = await sm.send(new ListSecretsCommand({ MaxResults: 100, Filters: [{ Key: 'name', Values: ['dur-'] }], ...(token ? { NextToken: token } : {}) }));
            for (const s of page.SecretList ?? []) listed.push(s.Name ?? '');
            token = page.NextToken;
            if (token === undefined) break;
          }
          expect([...listed].sort()).toEqual([...ledger.keys()].sort());

          const problems: string[] = [];
          let versionsChecked = 0;
          await pool([...ledger.values()], 8, async (s) => {
            const d = await sm.send(new DescribeSecretCommand({ SecretId: s.name }));
            const map = d.VersionIdsToStages ?? {};
            const holders = (label: string) => Object.entries(map).filter(([, st]) => st.includes(label)).map(([v]) => v);
            const current = holders('AWSCURRENT');
            let last = s.writes[s.writes.length - 1];
            if (current.length !== 1) problems.push(`${s.name}: ${current.length} AWSCURRENT versions`);
            else if (s.owner >= 0) {
              // One writer: AWSCURRENT on its last acknowledged (or adopted in-doubt) write, AWSPREVIOUS on the one before.
              const prev = s.writes[s.writes.length - 2];
              if (current[0] !== last?.versionId) problems.push(`${s.name}: AWSCURRENT on ${String(current[0])}, last acknowledged write ${String(last?.versionId)}`);
              const previous = holders('AWSPREVIOUS');
              if (prev !== undefined && (previous.length !== 1 || previous[0] !== prev.versionId)) {
                problems.push(`${s.name}: AWSPREVIOUS on ${previous.join(',')}, expected ${prev.versionId}`);
              }
            } else {
              // Concurrent writers: AWSCURRENT is one of the writes, and no acknowledged write was sent after it was acknowledged.
              const cur = s.writes.find((x) => x.versionId === current[0]);
              if (cur === undefined) problems.push(`${s.name}: AWSCURRENT on ${String(current[0])}, not a write of ours`);
              else {
                last = cur;
                const later = s.writes.filter((x) => x.ackedAt !== undefined && cur.ackedAt !== undefined && x.sentAt > cur.ackedAt);
                if (later.length > 0) problems.push(`${s.name}: AWSCURRENT on ${cur.versionId}, but ${later.length} acknowledged writes were sent after it was acknowledged`);
              }
            }
            // Every labelled version is readable.
            for (const v of Object.keys(map)) {
              try {
                await sm.send(new GetSecretValueCommand({ SecretId: s.name, VersionId: v }));
              } catch (e) {
                problems.push(`${s.name}: labelled version ${v} unreadable: ${(e as Error).name}`);
              }
            }
            // Every acknowledged write is there with its value.
            for (const w of s.writes) {
              versionsChecked++;
              try {
                const g = await sm.send(new GetSecretValueCommand({ SecretId: s.name, VersionId: w.versionId }));
                if (g.SecretString !== w.value) problems.push(`${s.name}/${w.versionId}: value ${String(g.SecretString)} ≠ ${w.value}`);
              } catch (e) {
                problems.push(`${s.name}/${w.versionId}: acknowledged write lost (${(e as Error).name})`);
              }
            }
            const cur = await sm.send(new GetSecretValueCommand({ SecretId: s.name }));
            if (cur.SecretString !== last?.value) problems.push(`${s.name}: current value ${String(cur.SecretString)} ≠ ${String(last?.value)}`);
          });
          expect(problems).toEqual([]);
          summary.push(
            `round ${round}: kill at ${killAt} ms, sent ${sent}, acked ${acked}, adopted ${adopted}, secrets ${ledger.size}, versions ${versionsChecked}, shared writes ${[...sharedSent.values()].join('/')}`,
          );
        } finally {
          sm.destroy();
        }
      }
    } finally {
      await proc.stop('SIGTERM');
    }
    expect(proc.stderr()).not.toMatch(/unhandled|InternalServiceError|SQLITE_CORRUPT|malformed/i);
    console.log(summary.join('\n'));
  }, 60_000);
});
