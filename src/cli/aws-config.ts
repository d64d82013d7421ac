/**
 * The settings the CLI itself reads from the shared AWS files for the chosen profile (region, output,
 * endpoint_url, cli_binary_format, …): ~/.aws/config (AWS_CONFIG_FILE) `[default]` / `[profile NAME]` and
 * ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE) `[NAME]`. Credentials themselves are resolved by the
 * SDK's default provider chain, which reads the same files.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type IniSections = Map<string, Map<string, string>>;

export function parseIni(text: string): IniSections {
  const out: IniSections = new Map();
  let current: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;].*)?$/.test(raw)) continue;
    const section = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (section !== null) {
      const name = (section[1] ?? '').trim();
      current = out.get(name) ?? new Map<string, string>();
      out.set(name, current);
      lastKey = undefined;
      continue;
    }
    if (current === undefined) continue;
    // Continuation lines (nested settings such as `s3 =` blocks) are indented; keep them out of the top level.
    if (/^\s/.test(raw) && lastKey !== undefined) continue;
    const kv = /^\s*([^=]+?)\s*=\s*(.*?)\s*$/.exec(raw);
    if (kv === null) continue;
    lastKey = kv[1] ?? '';
    current.set(lastKey, (kv[2] ?? '').replace(/\s+[#;].*$/, ''));
  }
  return out;
}

function readIni(path: string): IniSections | undefined {
  try {
    return parseIni(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export interface ProfileSettings {
  /** The profile's settings from the config file (and the credentials file for the same profile). */
  settings: Map<string, string>;
  /** False when a profile was asked for explicitly and neither file has it. */
  found: boolean;
}

export function configFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config');
}

export function credentialsFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials');
}

export function loadProfile(profile: string | undefined, env: NodeJS.ProcessEnv = process.env): ProfileSettings {
  const name = profile ?? env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE ?? 'default';
  const config = readIni(configFilePath(env));
  const creds = readIni(credentialsFilePath(env));
  const fromConfig = config?.get(name === 'default' ? 'default' : `profile ${name}`) ?? (name === 'default' ? undefined : config?.get(name));
  const fromCreds = creds?.get(name);
  const settings = new Map<string, string>([...(fromCreds ?? new Map<string, string>()), ...(fromConfig ?? new Map<string, string>())]);
  const explicit = profile !== undefined || env.AWS_PROFILE !== undefined || env.AWS_DEFAULT_PROFILE !== undefined;
  return { settings, found: !explicit || name === 'default' || fromConfig !== undefined || fromCreds !== undefined };
}
