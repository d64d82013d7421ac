#!/usr/bin/env node
// The `rotor` command. The TypeScript sources are compiled to dist/ by `npm install` (the prepare script).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`rotor: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 255;
  },
);
