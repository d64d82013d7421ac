// Rotor's Node.js runtime bootstrap: loads an unmodified Lambda handler once and serves invocations.
//
// Protocol with Rotor (JSON lines): fd 3 carries requests {type:'invoke', requestId, event, deadlineMs,
// invokedFunctionArn}; fd 4 carries answers {type:'ready', error?} once after loading, then
// {type:'result', requestId, payload} or {type:'error', requestId, error:{errorType, errorMessage,
// stackTrace}}. Before each answer an end marker is written to stdout and stderr so that Rotor can tell
// which output belongs to which invocation. stdout/stderr themselves are the handler's logs.
//
// Handler resolution follows the Lambda Node.js runtime: `_HANDLER` is `path/module.fn[.nested]`, the
// module is found as .js, .mjs or .cjs under LAMBDA_TASK_ROOT and loaded with import() (so ESM and
// CommonJS both work); the function is `module.fn` or `module.default.fn`. Async handlers, handlers
// returning a promise and callback-style handlers (event, context, callback) are supported. Packages the
// handler does not bundle (the AWS SDK v3, which Lambda's runtime provides) resolve from Rotor's own
// installation: for import() through node-resolve-hooks.mjs, for require() through NODE_PATH (set by Rotor).
import fs from 'node:fs';
import { register } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import util from 'node:util';
import { pathToFileURL } from 'node:url';

const REQUESTS_FD = 3;
const ANSWERS_FD = 4;
const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
const handlerSpec = process.env._HANDLER ?? '';
let currentRequestId;

const marker = (id) => `\u001f\u001frotor-end:${id}\u001f\u001f\n`;

function writeAll(fd, text) {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      if (e && e.code === 'EAGAIN') Atomics.wait(pause, 0, 0, 2);
      else throw e;
    }
  }
}

function answer(msg) {
  writeAll(ANSWERS_FD, `${JSON.stringify(msg)}\n`);
}

// Console output in the Lambda format: `<time>\t<request id>\t<LEVEL>\t<message>`.
function patchConsole() {
  const make = (level, stream) => (...args) => {
    const text = util.format(...args);
    stream.write(`${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${text}\n`);
  };
  console.log = make('INFO', process.stdout);
  console.info = make('INFO', process.stdout);
  console.debug = make('DEBUG', process.stdout);
  console.warn = make('WARN', process.stderr);
  console.error = make('ERROR', process.stderr);
  console.trace = make('TRACE', process.stderr);
}

function errorBody(e) {
  if (e instanceof Error) {
    const stack = typeof e.stack === 'string' ? e.stack.split('\n').slice(1).map((l) => l.trim()) : [];
    return { errorType: e.name || e.constructor?.name || 'Error', errorMessage: e.message, stackTrace: stack };
  }
  if (typeof e === 'string') return { errorType: 'string', errorMessage: e, stackTrace: [] };
  let text;
  try {
    text = JSON.stringify(e);
  } catch {
    text = String(e);
  }
  return { errorType: typeof e, errorMessage: text ?? String(e), stackTrace: [] };
}

async function loadHandler() {
  const slash = handlerSpec.lastIndexOf('/');
  const dot = handlerSpec.indexOf('.', slash + 1);
  if (dot < 0) {
    return { error: { errorType: 'Runtime.MalformedHandlerName', errorMessage: `Bad handler ${handlerSpec}`, stackTrace: [] } };
  }
  const modulePath = handlerSpec.slice(0, dot);
  const fnPath = handlerSpec.slice(dot + 1);
  const base = path.resolve(taskRoot, modulePath);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((f) => fs.existsSync(f));
  if (!file) {
    return {
      error: {
        errorType: 'Runtime.ImportModuleError',
        errorMessage: `Error: Cannot find module '${modulePath}'`,
        stackTrace: [],
      },
    };
  }
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (e) {
    const body = errorBody(e);
    if (e instanceof SyntaxError) body.errorType = 'Runtime.UserCodeSyntaxError';
    else if (e && (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND')) {
      body.errorType = 'Runtime.ImportModuleError';
      body.errorMessage = `Error: ${body.errorMessage}`;
    }
    return { error: body };
  }
  const pick = (root) => fnPath.split('.').reduce((o, k) => (o == null ? undefined : o[k]), root);
  let fn = pick(mod);
  if (typeof fn !== 'function' && mod.default != null) fn = pick(mod.default);
  if (typeof fn !== 'function') {
    return {
      error: {
        errorType: 'Runtime.HandlerNotFound',
        errorMessage: `${modulePath}.${fnPath} is undefined or not exported`,
        stackTrace: [],
      },
    };
  }
  return { fn };
}

function makeContext(req, settle) {
  const fnName = process.env.AWS_LAMBDA_FUNCTION_NAME;
  return {
    functionName: fnName,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
    invokedFunctionArn: req.invokedFunctionArn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: req.requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, req.deadlineMs - Date.now()),
    done: (err, result) => settle(err, result),
    succeed: (result) => settle(null, result),
    fail: (err) => settle(err ?? 'handled'),
  };
}

function runHandler(fn, req) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err, result) => {
      if (settled) return;
      settled = true;
      if (err !== null && err !== undefined) reject(err);
      else resolve(result);
    };
    const context = makeContext(req, settle);
    let ret;
    try {
      ret = fn(req.event, context, settle);
    } catch (e) {
      settle(e ?? new Error('handler threw'));
      return;
    }
    if (ret !== null && typeof ret === 'object' && typeof ret.then === 'function') {
      ret.then(
        (r) => settle(null, r),
        (e) => settle(e ?? new Error('handler rejected')),
      );
    } else if (fn.length < 3) {
      // Neither async nor callback-style: take the return value.
      settle(null, ret);
    }
    // Otherwise wait for the callback (or the timeout Rotor enforces).
  });
}

let inFlight;

function finish(requestId, msg) {
  process.stdout.write(marker(requestId));
  process.stderr.write(marker(requestId));
  answer(msg);
}

async function handle(fn, req) {
  currentRequestId = req.requestId;
  inFlight = req.requestId;
  let msg;
  try {
    const result = await runHandler(fn, req);
    let payload;
    try {
      payload = JSON.stringify(result === undefined ? null : result);
    } catch (e) {
      throw Object.assign(new Error(`Unable to stringify response body: ${e.message}`), { name: 'Runtime.MarshalError' });
    }
    msg = { type: 'result', requestId: req.requestId, payload };
  } catch (e) {
    const error = errorBody(e);
    console.error('Invoke Error', JSON.stringify(error));
    msg = { type: 'error', requestId: req.requestId, error };
  }
  inFlight = undefined;
  finish(req.requestId, msg);
}

function fatal(kind, e) {
  const error = errorBody(e);
  if (kind === 'Runtime.UnhandledPromiseRejection') error.errorType = kind;
  writeAll(2, `${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\tERROR\t${kind} ${JSON.stringify(error)}\n`);
  if (inFlight !== undefined) {
    const id = inFlight;
    inFlight = undefined;
    finish(id, { type: 'error', requestId: id, error });
  }
  process.exit(128);
}

async function main() {
  patchConsole();
  process.on('uncaughtException', (e) => fatal('Uncaught Exception', e));
  process.on('unhandledRejection', (e) => fatal('Runtime.UnhandledPromiseRejection', e));
  process.chdir(taskRoot);
  if (typeof register === 'function') {
    register('./node-resolve-hooks.mjs', import.meta.url, { data: { fallbackParentURL: import.meta.url } });
  }
  const loaded = await loadHandler();
  if (loaded.error) {
    writeAll(2, `${new Date().toISOString()}\tundefined\tERROR\t${JSON.stringify(loaded.error)}\n`);
    answer({ type: 'ready', error: loaded.error });
    process.exit(1);
  }
  answer({ type: 'ready' });
  const requests = new net.Socket({ fd: REQUESTS_FD, readable: true, writable: false });
  let buf = '';
  let chain = Promise.resolve();
  requests.setEncoding('utf8');
  requests.on('data', (chunk) => {
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.trim() === '') continue;
      const req = JSON.parse(line);
      if (req.type === 'invoke') chain = chain.then(() => handle(loaded.fn, req));
    }
  });
  // Rotor closed the pipe (stopped, or died): nothing more will come.
  requests.on('end', () => process.exit(0));
  requests.on('error', () => process.exit(0));
}

main().catch((e) => {
  process.stderr.write(`bootstrap failure: ${e && e.stack ? e.stack : String(e)}\n`);
  process.exit(1);
});
