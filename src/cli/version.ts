/** `rotor --version`: "rotor/<version> Node.js/<version> <platform>/<release> <arch>", like aws-cli's line. */
import { readFileSync } from 'node:fs';
import { release } from 'node:os';

export function versionLine(): string {
  let version = 'unknown';
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    version = pkg.version ?? version;
  } catch {
    // keep 'unknown'
  }
  const platform = process.platform === 'linux' ? 'Linux' : process.platform === 'darwin' ? 'Darwin' : process.platform;
  return `rotor/${version} Node.js/${process.version.slice(1)} ${platform}/${release()} ${process.arch}\n`;
}
