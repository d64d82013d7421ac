/**
 * Encryption at rest of a real `rotor serve --data-dir` process: distinctive secret values (string and
 * binary, current and previous versions) and secret access keys (the bootstrap admin's and one declared in a
 * --config file) must appear in no file of the data dir — neither as UTF-8 nor as base64 — while the server
 * runs (WAL present) and after a clean SIGTERM. The master key itself may only be in master.key (mode 0600).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { startRotor, stopAllRotors, tempDir, type RotorProcess } from '../helpers/process.js';

const root = tempDir('rotor-at-rest-');
afterAll(async () => {
  await stopAllRotors();
  root.cleanup();
});

const dataDir = join(root.path, 'data'); // created by rotor itself
const configFile = join(root.path, 'rotor.json');
const tag = randomBytes(6).toString('hex');
const EXTRA = { accessKeyId: 'AKIAEXTRAKEYTEST0042', secretAccessKey: `extraSecretKey-${tag}-QWERTYUIOP`, accountId: '210987654321' };
const ADMIN_SECRET = `adminSecretKey-${tag}-ASDFGHJKL`;

const strings = [
  `PLAINTEXT-ALPHA-${tag}-the quick brown fox`,
  JSON.stringify({ username: `dbuser_${tag}`, password: `Pa55word!${tag}#zebra` }),
  `PLAINTEXT-PREVIOUS-${tag}-soon to be AWSPREVIOUS`,
  `PLAINTEXT-UPDATED-${tag}-through UpdateSecret`,
  `PLAINTEXT-EXTRA-ACCOUNT-${tag}-written with the declared key`,
  `Unicodé-ΠΛΑΙΝ-${tag}-秘密`,
];
const binaries = [Buffer.concat([Buffer.from(`BINARY-MARKER-${tag}-`), randomBytes(64)]), randomBytes(512)];

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** The byte patterns under which `needle` could sit in a file: raw, and base64 at each 3-byte alignment. */
function encodings(label: string, needle: Buffer): { label: string; bytes: Buffer }[] {
  const out = [{ label: `${label} (raw)`, bytes: needle }];
  for (let shift = 0; shift < 3; shift++) {
    const b64 = needle.subarray(shift).toString('base64').replace(/=+$/, '');
    // Drop the last (possibly partial) quantum so the pattern does not depend on what follows.
    const stable = b64.slice(0, Math.floor((b64.length - 4) / 4) * 4);
    if (stable.length >= 12) out.push({ label: `${label} (base64, shift ${shift})`, bytes: Buffer.from(stable) });
  }
  return out;
}

function scan(dir: string, needles: { label: string; bytes: Buffer }[], skip: (file: string, label: string) => boolean): string[] {
  const found: string[] = [];
  for (const f of files(dir)) {
    const content = readFileSync(f);
    for (const n of needles) {
      if (skip(f, n.label)) continue;
      if (content.includes(n.bytes)) found.push(`${n.label} in ${relative(dir, f)}`);
    }
  }
  return found;
}

function client(p: RotorProcess, keyId: string, secret: string): SecretsManagerClient {
  return new SecretsManagerClient({ endpoint: p.url, region: p.region, credentials: { accessKeyId: keyId, secretAccessKey: secret }, maxAttempts: 1 });
}

describe('encryption at rest', () => {
  it('no plaintext value or secret access key in any file of the data dir', async () => {
    writeFileSync(configFile, JSON.stringify({ credentials: [EXTRA] }), { mode: 0o600 });
    let proc = await startRotor({ dataDir, configFile, secretAccessKey: ADMIN_SECRET, logLevel: 'debug' });
    const admin = client(proc, proc.accessKeyId, ADMIN_SECRET);
    const extra = client(proc, EXTRA.accessKeyId, EXTRA.secretAccessKey);
    const [s0, s1, s2, s3, s4, s5] = strings as [string, string, string, string, string, string];
    const [b0, b1] = binaries as [Buffer, Buffer];
    try {
      await admin.send(new CreateSecretCommand({ Name: `rest-${tag}-alpha`, SecretString: s0, Description: 'metadata is not secret' }));
      await admin.send(new CreateSecretCommand({ Name: `rest-${tag}-json`, SecretString: s1 }));
      await admin.send(new CreateSecretCommand({ Name: `rest-${tag}-rolled`, SecretString: s2 }));
      await admin.send(new PutSecretValueCommand({ SecretId: `rest-${tag}-rolled`, SecretBinary: b1 }));
      await admin.send(new UpdateSecretCommand({ SecretId: `rest-${tag}-rolled`, SecretString: s3 }));
      await admin.send(new CreateSecretCommand({ Name: `rest-${tag}-binary`, SecretBinary: b0 }));
      await admin.send(new CreateSecretCommand({ Name: `rest-${tag}-unicode`, SecretString: s5 }));
      await extra.send(new CreateSecretCommand({ Name: `rest-${tag}-extra`, SecretString: s4 }));
      // The declared key lives in its own account.
      const e = await extra.send(new GetSecretValueCommand({ SecretId: `rest-${tag}-extra` }));
      expect(e.ARN).toContain(':210987654321:secret:');
    } finally {
      admin.destroy();
      extra.destroy();
    }

    const needles = [
      ...strings.flatMap((s, i) => encodings(`value ${i}`, Buffer.from(s, 'utf8'))),
      ...binaries.flatMap((b, i) => encodings(`binary ${i}`, b)),
      ...encodings('admin secret access key', Buffer.from(ADMIN_SECRET)),
      ...encodings('declared secret access key', Buffer.from(EXTRA.secretAccessKey)),
    ];
    const masterKeyLine = readFileSync(join(dataDir, 'master.key'), 'utf8').trim();
    const masterB64 = masterKeyLine.slice(masterKeyLine.indexOf(':') + 1);
    const master = Buffer.from(masterB64, 'base64');
    expect(master).toHaveLength(32);
    needles.push({ label: 'master key (raw)', bytes: master }, { label: 'master key (base64)', bytes: Buffer.from(masterB64) });
    const onlyMasterFileMayHoldMasterKey = (file: string, label: string) => label.startsWith('master key') && file === join(dataDir, 'master.key');

    // While running: rotor.db, rotor.db-wal, rotor.db-shm …
    const live = files(dataDir).map((f) => relative(dataDir, f));
    expect(live).toContain('rotor.db');
    expect(live).toContain('master.key');
    expect(scan(dataDir, needles, onlyMasterFileMayHoldMasterKey)).toEqual([]);

    const exit = await proc.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    // … and after a clean shutdown (checkpointed).
    expect(scan(dataDir, needles, onlyMasterFileMayHoldMasterKey)).toEqual([]);
    // Nor in what the server printed, even at debug level.
    const printed = Buffer.from(proc.stdout() + proc.stderr());
    expect(needles.filter((n) => !n.label.startsWith('master key') && printed.includes(n.bytes)).map((n) => n.label)).toEqual([]);
    expect(printed.includes(Buffer.from(masterB64))).toBe(false);

    expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o077).toBe(0);

    // The data is still readable after a restart (the sealed values really are the values).
    proc = await startRotor({ dataDir, configFile, secretAccessKey: ADMIN_SECRET });
    const again = client(proc, proc.accessKeyId, ADMIN_SECRET);
    const extraAgain = client(proc, EXTRA.accessKeyId, EXTRA.secretAccessKey);
    try {
      expect((await again.send(new GetSecretValueCommand({ SecretId: `rest-${tag}-alpha` }))).SecretString).toBe(s0);
      expect((await again.send(new GetSecretValueCommand({ SecretId: `rest-${tag}-rolled` }))).SecretString).toBe(s3);
      const bin = await again.send(new GetSecretValueCommand({ SecretId: `rest-${tag}-binary` }));
      expect(Buffer.from(bin.SecretBinary ?? new Uint8Array()).equals(b0)).toBe(true);
      expect((await extraAgain.send(new GetSecretValueCommand({ SecretId: `rest-${tag}-extra` }))).SecretString).toBe(s4);
    } finally {
      again.destroy();
      extraAgain.destroy();
      await proc.stop('SIGTERM');
    }
    expect(scan(dataDir, needles, onlyMasterFileMayHoldMasterKey)).toEqual([]);
  });
});
