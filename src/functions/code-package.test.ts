import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { codeSha256, extractPackage, readPackage, safeEntryPath } from './code-package.js';
import { LambdaError } from './lambda-errors.js';

const dir = mkdtempSync(join(tmpdir(), 'rotor-code-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const zip = (files: Record<string, string>) =>
  Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)]))));

describe('safeEntryPath', () => {
  it.each([
    ['index.js', 'index.js'],
    ['./a/b.py', 'a/b.py'],
    ['a//b', 'a/b'],
    ['dir/', 'dir'],
    ['a\\b.js', 'a/b.js'],
  ])('%s → %s', (name, want) => expect(safeEntryPath(name)).toBe(want));
  it.each(['../x', 'a/../../x', '/etc/passwd', 'C:/x', '..\\x', 'a\0b'])('refuses %s', (name) =>
    expect(safeEntryPath(name)).toBeUndefined(),
  );
});

describe('packages', () => {
  it('unpacks nested files, once, atomically', () => {
    const z = zip({ 'index.mjs': 'export {}', 'lib/util/x.js': 'x', 'empty/': '' });
    const target = join(dir, 'one', 'sha');
    extractPackage(z, target);
    expect(readFileSync(join(target, 'lib/util/x.js'), 'utf8')).toBe('x');
    expect(existsSync(join(target, 'index.mjs'))).toBe(true);
    extractPackage(z, target); // already there: no-op
    expect(codeSha256(z)).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('refuses zip-slip and garbage with InvalidParameterValueException, writing nothing', () => {
    for (const bad of [zip({ '../escape.js': 'x' }), zip({ 'ok.js': '', 'a/../../escape.js': 'x' }), Buffer.from('not a zip')]) {
      const target = join(dir, 'bad', String(Math.random()));
      let caught: unknown;
      try {
        extractPackage(bad, target);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(LambdaError);
      expect((caught as LambdaError).code).toBe('InvalidParameterValueException');
      expect(existsSync(target)).toBe(false);
    }
    expect(existsSync(join(dir, 'escape.js'))).toBe(false);
    expect(() => readPackage(zip({ '/abs.js': 'x' }))).toThrow(LambdaError);
  });
});
