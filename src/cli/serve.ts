/** `rotor serve`: start the server, print the bootstrap key once, shut down cleanly on SIGTERM/SIGINT. */
import type { Command } from 'commander';
import type { ConfigInput } from '../config.js';

interface ServeFlags {
  config?: string;
  host?: string;
  port?: string;
  dataDir?: string;
  memory?: boolean;
  accountId?: string;
  tlsCert?: string;
  tlsKey?: string;
  enableReset?: boolean;
  logLevel?: string;
  synchronous?: string;
  testClock?: boolean;
  testClockAnyHost?: boolean;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Start the Rotor server (SQLite in --data-dir by default)')
    .option('--config <file>', 'JSON config file')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default 4599; 0 picks a free one)')
    .option('--data-dir <dir>', 'where the database and master key live (default ./.rotor)')
    .option('--memory', 'keep everything in memory (tests, CI); nothing is persisted')
    .option('--account-id <id>', 'the 12-digit account of the bootstrap admin key (default 000000000000)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate')
    .option('--tls-key <file>', 'and this PEM private key')
    .option('--enable-reset', 'enable POST /_rotor/reset, which deletes every secret (CI only)')
    .option('--synchronous <mode>', 'SQLite synchronous mode: FULL (default) or NORMAL')
    .option('--log-level <level>', 'debug, info, warn, error or silent (default info)')
    .option('--test-clock', 'TESTS ONLY: freeze the domain clock and let POST /_rotor/clock set it (loopback only)')
    .option('--test-clock-any-host', 'allow --test-clock on a non-loopback --host (anyone who can reach it can change the time)')
    .action(async (flags: ServeFlags) => {
      // Imported here so that the other commands (rotor --version, rotor get-secret-value …) start fast.
      const { buildConfig, envConfig, readConfigFile } = await import('../config.js');
      const { createApp } = await import('../app.js');
      const file: ConfigInput = flags.config !== undefined ? readConfigFile(flags.config) : {};
      const cli: ConfigInput = {};
      if (flags.host !== undefined) cli.host = flags.host;
      if (flags.port !== undefined) cli.port = flags.port;
      if (flags.dataDir !== undefined) cli.dataDir = flags.dataDir;
      if (flags.memory === true) cli.memory = true;
      if (flags.accountId !== undefined) cli.accountId = flags.accountId;
      if (flags.tlsCert !== undefined) cli.tlsCert = flags.tlsCert;
      if (flags.tlsKey !== undefined) cli.tlsKey = flags.tlsKey;
      if (flags.enableReset === true) cli.enableReset = true;
      if (flags.logLevel !== undefined) cli.logLevel = flags.logLevel;
      if (flags.synchronous !== undefined) cli.synchronous = flags.synchronous;
      if (flags.testClock === true) cli.testClock = true;
      if (flags.testClockAnyHost === true) cli.testClockAnyHost = true;
      const config = buildConfig(file, envConfig(process.env), cli);
      const app = await createApp(config);
      const out = process.stdout;
      if (config.testClock) {
        process.stderr.write(`WARNING: --test-clock is on: Rotor's time is frozen and anyone who can reach ${app.url}/_rotor/clock can change it. Never use this outside tests.\n`);
      }
      out.write(`Rotor listening on ${app.url} (${config.dataDir === undefined ? 'in memory' : `data in ${config.dataDir}`})\n`);
      if (app.admin.created && app.admin.secretAccessKey !== undefined) {
        // Printed once, on first start: the secret is stored encrypted and cannot be shown again.
        out.write(
          [
            '',
            'Generated the bootstrap admin access key (shown only this once):',
            `  export AWS_ACCESS_KEY_ID=${app.admin.accessKeyId}`,
            `  export AWS_SECRET_ACCESS_KEY=${app.admin.secretAccessKey}`,
            '  export AWS_REGION=us-east-1',
            `  export AWS_ENDPOINT_URL=${app.url}`,
            '  aws secretsmanager list-secrets',
            '',
          ].join('\n') + '\n',
        );
      }
      let closing = false;
      const stop = (signal: string) => {
        if (closing) return;
        closing = true;
        app.logger.info({ msg: 'shutting down', signal });
        app.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}
