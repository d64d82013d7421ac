/**
 * Deployment packages: validating an uploaded zip and unpacking it (with fflate) into the function's code
 * directory. Entry names that would land outside that directory (absolute paths, `..` segments: zip-slip)
 * make the whole package invalid. fflate does not expose Unix modes, so files are written 0644 (handlers are
 * loaded by the interpreter, never executed directly).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { unzipSync, type Unzipped } from 'fflate';
import { lambdaErr } from './lambda-errors.js';

/** Lambda's quota: 250 MB unzipped (Lambda quotas page). */
export const MAX_UNZIPPED_BYTES = 262_144_000;
/** Lambda's quota for a direct upload: 50 MB zipped. */
export const MAX_ZIPPED_BYTES = 52_428_800;

const UNZIP_FAILED = 'Could not unzip uploaded file. Please check your file, then try to upload again.';

export function codeSha256(zip: Buffer): string {
  return createHash('sha256').update(zip).digest('base64');
}

/** A safe relative path for an entry, '' for a directory-only entry to skip, or undefined when unsafe. */
export function safeEntryPath(name: string): string | undefined {
  if (name.includes('\0')) return undefined;
  const n = name.replace(/\\/g, '/');
  if (n.startsWith('/') || /^[a-zA-Z]:/.test(n)) return undefined;
  const parts = n.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return undefined;
  return parts.join('/');
}

/** Unzips in memory and checks every entry; throws InvalidParameterValueException when unusable. */
export function readPackage(zip: Buffer): Map<string, Uint8Array> {
  if (zip.length > MAX_ZIPPED_BYTES) {
    throw lambdaErr.tooLarge(`Zipped size must be smaller than ${MAX_ZIPPED_BYTES} bytes`);
  }
  let total = 0;
  let unsafe: string | undefined;
  let entries: Unzipped;
  try {
    entries = unzipSync(new Uint8Array(zip.buffer, zip.byteOffset, zip.length), {
      filter: (f) => {
        total += f.originalSize;
        if (safeEntryPath(f.name) === undefined) unsafe = f.name;
        return unsafe === undefined && total <= MAX_UNZIPPED_BYTES;
      },
    });
  } catch {
    throw lambdaErr.invalidParameter(UNZIP_FAILED);
  }
  if (unsafe !== undefined) throw lambdaErr.invalidParameter(`${UNZIP_FAILED} Unsafe entry path: ${unsafe.slice(0, 200)}`);
  if (total > MAX_UNZIPPED_BYTES) {
    throw lambdaErr.invalidParameter(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
  }
  const files = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(entries)) {
    const p = safeEntryPath(name);
    if (p === undefined) throw lambdaErr.invalidParameter(UNZIP_FAILED);
    if (p === '' || name.endsWith('/')) continue;
    files.set(p, data);
  }
  return files;
}

/**
 * Unpacks into `dir` unless it already exists. Written into a sibling temp directory and renamed, so a
 * reader never sees half a package and two writers racing both end with the same result.
 */
export function extractPackage(zip: Buffer, dir: string): void {
  if (existsSync(dir)) return;
  const files = readPackage(zip);
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true, mode: 0o700 });
  const tmp = `${dir}.tmp-${randomBytes(6).toString('hex')}`;
  mkdirSync(tmp, { mode: 0o755 });
  try {
    const root = resolve(tmp);
    for (const [p, data] of files) {
      const target = resolve(root, p);
      if (!target.startsWith(root + sep)) throw lambdaErr.invalidParameter(UNZIP_FAILED);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, data, { mode: 0o644 });
    }
    try {
      renameSync(tmp, dir);
    } catch (e) {
      if (!existsSync(dir)) throw e;
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

export function codeDirFor(base: string, accountId: string, region: string, name: string, shaHex: string): string {
  return join(base, 'functions', accountId, region, name, shaHex);
}
