/**
 * A small structured logger: JSON lines on stderr. It never receives request bodies or secret values,
 * only ids, operation names, codes and timings. (pino arrives with the operability issue.)
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 } as const satisfies Record<LogLevel, number>;

export interface Logger {
  info(o: Record<string, unknown>): void;
  warn(o: Record<string, unknown>): void;
  error(o: Record<string, unknown>): void;
  request(o: Record<string, unknown>): void;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const at = ORDER[level];
  const log = (lvl: Exclude<LogLevel, 'silent'>, o: Record<string, unknown>) => {
    if (ORDER[lvl] < at) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, ...o })}\n`);
  };
  return {
    info: (o) => log('info', o),
    warn: (o) => log('warn', o),
    error: (o) => log('error', o),
    // Per request: when debug is off, not even the spread object is built.
    request: at > ORDER.debug ? () => undefined : (o) => log('debug', { msg: 'request', ...o }),
  };
}
