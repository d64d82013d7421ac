/** Where the CLI writes, and what it knows about the terminal (tests pass their own). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** stdout is a terminal (table colours, terminal width). */
  isTty: boolean;
  /** Terminal width when stdout is a terminal; the CLI uses 80 otherwise. */
  columns: number | undefined;
  env: NodeJS.ProcessEnv;
}

export const processIo: CliIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  isTty: process.stdout.isTTY === true,
  columns: process.stdout.isTTY === true ? process.stdout.columns : undefined,
  env: process.env,
};

/** A debug logger in the AWS CLI's --debug line format. */
export function debugLogger(io: CliIo, enabled: boolean): ((line: string) => void) | undefined {
  if (!enabled) return undefined;
  return (line) => {
    const d = new Date();
    const ts = `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)},${String(d.getMilliseconds()).padStart(3, '0')}`;
    io.err(`${ts} - MainThread - rotor - DEBUG - ${line}\n`);
  };
}
