/**
 * `file://` and `fileb://` parameter values (awscli/paramfile.py): file:// reads UTF-8 text, fileb:// reads
 * bytes; `~` and $VARS in the path are expanded as Python's os.path.expanduser/expandvars do.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';

export class ResourceLoadingError extends Error {}

function expandPath(p: string): string {
  const vars = p.replace(/\$(\w+|\{[^}]*\})/g, (m: string, name: string) => {
    const key = name.startsWith('{') ? name.slice(1, -1) : name;
    const v = process.env[key];
    return v === undefined ? m : v;
  });
  if (vars === '~' || vars.startsWith('~/')) return homedir() + vars.slice(1);
  return vars;
}

/** The file's content for a file:// or fileb:// value; undefined for any other value. */
export function getParamFile(value: string): string | Uint8Array | undefined {
  for (const prefix of ['file://', 'fileb://'] as const) {
    if (!value.startsWith(prefix)) continue;
    const path = expandPath(value.slice(prefix.length));
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const reason =
        err.code === 'ENOENT'
          ? `[Errno 2] No such file or directory: '${path}'`
          : err.code === 'EISDIR'
            ? `[Errno 21] Is a directory: '${path}'`
            : err.code === 'EACCES'
              ? `[Errno 13] Permission denied: '${path}'`
              : err.message;
      throw new ResourceLoadingError(`Unable to load paramfile ${value}: ${reason}`);
    }
    if (prefix === 'fileb://') return new Uint8Array(data);
    try {
      // Python's text mode: universal newlines; a BOM is kept (utf-8, not utf-8-sig).
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data).replace(/\r\n?/g, '\n');
    } catch {
      throw new ResourceLoadingError(
        `Unable to load paramfile (${path}), text contents could not be decoded.  If this is a binary file, please use the fileb:// prefix instead of the file:// prefix.`,
      );
    }
  }
  return undefined;
}
