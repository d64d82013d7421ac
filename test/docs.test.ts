/** Keeps docs/errors.md in step with the error registry, and enforces the layering of DESIGN.md. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/domain/errors.js';

describe('docs/errors.md', () => {
  it('lists every error code with its HTTP status, and nothing else', () => {
    const text = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
    const rows = [...text.matchAll(/^\| `([A-Za-z]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(Object.fromEntries(rows)).toEqual({ ...ERROR_CODES });
  });
});

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

describe('layering (DESIGN.md)', () => {
  const src = new URL('../src/', import.meta.url).pathname;
  it('domain/ imports nothing of ours outside domain/ and no node: I/O modules', () => {
    for (const f of files(join(src, 'domain'))) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/from '([^']+)'/g)) {
        const spec = m[1] ?? '';
        expect(spec.startsWith('./') ? 'ok' : `${f} imports ${spec}`).toBe('ok');
      }
      expect(/\bDate\.now\(|Math\.random\(/.test(text) ? `${f} reads the clock or randomness` : 'ok').toBe('ok');
    }
  });
  it('store/ and crypto/ do not import service/, api/ or rotation/', () => {
    for (const f of [...files(join(src, 'store')), ...files(join(src, 'crypto'))]) {
      const text = readFileSync(f, 'utf8');
      expect(/from '\.\.\/(\.\.\/)?(service|api|rotation|cli)\//.test(text) ? `${f} imports upward` : 'ok').toBe('ok');
    }
  });
});
