/**
 * Run as its own process by worker-group.test.ts (`node --import tsx test/functions/close-script.ts`):
 * creates a registry on an in-memory store, invokes a function once, closes, and then just returns.
 * Nothing else keeps the event loop alive, so a close() that waits on unref'd handles would leave the
 * top-level await unsettled (Node exits with code 13). Prints the worker's pid on success.
 */
import { SCOPE, createRequest, harness } from './support.js';

const h = harness();
await h.registry.createFunction(
  SCOPE,
  createRequest('closer', 'nodejs20.x', 'index.handler', { 'index.mjs': 'export const handler = async () => process.pid;' }),
);
const r = await h.registry.invoke(SCOPE, 'closer', {});
if (!r.ok) throw new Error(`invoke failed: ${r.payload}`);
await h.close();
process.stdout.write(`closed ${r.payload}\n`);
