/**
 * The Lambda runtimes Rotor runs, and how. Every Node runtime runs on the machine's own `node` (the one
 * running Rotor) and every Python runtime on `python3` from PATH: Rotor does not ship interpreters, so the
 * identifier states the handler's expectations, not the interpreter version. `rotor.webhook1` is Rotor's
 * own: no code, each invocation is a signed HTTP POST to the function's URL (docs/webhook-functions.md).
 */
export type RuntimeKind = 'node' | 'python' | 'webhook';

export const RUNTIMES = {
  'nodejs18.x': 'node',
  'nodejs20.x': 'node',
  'nodejs22.x': 'node',
  'python3.8': 'python',
  'python3.9': 'python',
  'python3.10': 'python',
  'python3.11': 'python',
  'python3.12': 'python',
  'python3.13': 'python',
  'rotor.webhook1': 'webhook',
} as const satisfies Record<string, RuntimeKind>;

export type RuntimeName = keyof typeof RUNTIMES;

export function isRuntime(s: string): s is RuntimeName {
  return Object.hasOwn(RUNTIMES, s);
}

export function runtimeKind(r: RuntimeName): RuntimeKind {
  return RUNTIMES[r];
}
