/**
 * Invocation of webhook functions (Runtime `rotor.webhook1`): the event is POSTed, as the JSON a Lambda
 * handler would receive, to the function's ROTOR_WEBHOOK_URL with a signature made with its
 * ROTOR_WEBHOOK_SECRET (webhook-signature.ts). A 2xx answer is success and its body the payload; any other
 * status (redirects are not followed), a network error or the function's Timeout is a failure. Uses
 * node:http(s) rather than fetch, whose "bad port" list would refuse receivers on ports such as 6000.
 *
 * Both the rotation engine (FunctionInvoker.invoke) and the Lambda Invoke API come through here.
 */
import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { displayUrl, webhookSettings, WEBHOOK_RUNTIME, type WebhookSettings } from './webhook-config.js';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from './webhook-signature.js';
import type { FunctionRecord } from './function-record.js';
import { LambdaError } from './lambda-errors.js';
import { errorPayload, type PoolInvokeResult, type PoolLogger } from './worker-pool.js';

/** The largest 2xx body kept as the payload; longer bodies are cut (and the log line says so). */
export const MAX_WEBHOOK_PAYLOAD_BYTES = 256 * 1024;
/** How much of a non-2xx body is quoted in the error message. */
const ERROR_SNIPPET_CHARS = 300;
const ERROR_BODY_BYTES = 4096;

export const WEBHOOK_USER_AGENT = 'rotor-webhook/1';

export interface WebhookInvokerDeps {
  clock: () => number;
  logger?: PoolLogger;
}

interface HttpAnswer {
  status: number;
  statusText: string;
  body: Buffer;
  truncated: boolean;
}

/** One POST; resolves with the (capped) answer, rejects on network errors and aborts. */
function post(url: URL, headers: Record<string, string>, body: Buffer, signal: AbortSignal, okCap: number): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      reject(e);
    };
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(body.length) },
      signal,
    });
    req.on('error', fail);
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const cap = status >= 200 && status < 300 ? okCap : ERROR_BODY_BYTES;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (truncated: boolean) => {
        if (settled) return;
        settled = true;
        const all = Buffer.concat(chunks);
        resolve({ status, statusText: res.statusMessage ?? '', body: all.subarray(0, cap), truncated });
      };
      res.on('data', (c: Buffer) => {
        if (settled) return;
        chunks.push(c);
        size += c.length;
        if (size > cap) {
          done(true);
          res.destroy();
        }
      });
      res.on('end', () => done(false));
      res.on('error', fail);
      res.on('close', () => {
        if (!res.complete) fail(signal.aborted ? signal.reason : new Error('the connection closed before the response was complete'));
      });
    });
    req.end(body);
  });
}

/** A network error as one short line: `connect ECONNREFUSED 127.0.0.1:9`, `getaddrinfo ENOTFOUND …`. */
function describeError(e: unknown): string {
  if (e instanceof AggregateError) {
    const first: unknown = e.errors[0];
    if (e.message === '' && first !== undefined) return describeError(first);
  }
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    const text = e.message !== '' ? e.message : (code ?? e.name);
    return text.replace(/\s+/g, ' ').slice(0, 300);
  }
  return 'unknown error';
}

/** A 2xx body as a Lambda payload (JSON text): JSON as it is, empty as `null`, anything else as a JSON string. */
function asPayload(body: Buffer, truncated: boolean): string {
  const text = body.toString('utf8');
  if (!truncated) {
    if (text.trim() === '') return 'null';
    try {
      JSON.parse(text);
      return text;
    } catch {
      /* not JSON */
    }
  }
  return JSON.stringify(text);
}

function ms(durationMs: number): string {
  return `${Math.round(durationMs)} ms`;
}

export function createWebhookInvoker(deps: WebhookInvokerDeps) {
  const shutdown = new AbortController();

  async function invoke(fn: FunctionRecord, event: unknown): Promise<PoolInvokeResult> {
    const requestId = randomUUID();
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
    const failure = (errorType: string, errorMessage: string, logs: string): PoolInvokeResult => ({
      ok: false,
      functionError: 'Unhandled',
      payload: errorPayload({ errorType, errorMessage }),
      errorMessage,
      logs,
      durationMs: elapsed(),
      requestId,
    });

    if (shutdown.signal.aborted) return failure('ServiceException', 'Rotor is shutting down', '');
    let settings: WebhookSettings;
    try {
      settings = webhookSettings(fn.environment);
    } catch (e) {
      return failure('Runtime.InvalidConfiguration', e instanceof LambdaError ? e.message : `Invalid ${WEBHOOK_RUNTIME} configuration`, '');
    }
    const shown = displayUrl(settings.url);
    const body = Buffer.from(JSON.stringify(event ?? null), 'utf8');
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [WEBHOOK_SIGNATURE_HEADER]: signWebhook(settings.secret, body, Math.floor(deps.clock() / 1000)),
      'x-rotor-function-arn': fn.arn,
      'x-rotor-delivery-id': requestId,
      'user-agent': WEBHOOK_USER_AGENT,
    };
    const line = (outcome: string) => `POST ${shown} → ${outcome}, delivery ${requestId}\n`;

    // The function's Timeout bounds the whole exchange (connect, request, response body).
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort(new Error('timed out'));
    }, fn.timeout * 1000);
    const onShutdown = () => abort.abort(new Error('Rotor is shutting down'));
    shutdown.signal.addEventListener('abort', onShutdown, { once: true });

    let answer: HttpAnswer;
    try {
      answer = await post(settings.url, headers, body, abort.signal, MAX_WEBHOOK_PAYLOAD_BYTES);
    } catch (e) {
      const took = ms(elapsed());
      if (timedOut) {
        const msg = `Task timed out after ${fn.timeout.toFixed(2)} seconds: POST ${shown} did not answer in time`;
        return failure('Sandbox.Timedout', msg, line(`timed out after ${took}`));
      }
      if (shutdown.signal.aborted) return failure('ServiceException', 'Rotor is shutting down', line(`cancelled after ${took}`));
      const why = describeError(e);
      deps.logger?.warn({ msg: 'webhook delivery failed', function: fn.arn, deliveryId: requestId, error: why });
      return failure('Rotor.WebhookRequestFailed', `POST ${shown} failed: ${why}`, line(`${why} after ${took}`));
    } finally {
      clearTimeout(timer);
      shutdown.signal.removeEventListener('abort', onShutdown);
    }

    const took = ms(elapsed());
    const { status, statusText } = answer;
    const statusShown = statusText !== '' ? `${status} ${statusText}` : String(status);
    if (status >= 200 && status < 300) {
      const cut = answer.truncated ? ` (response cut to ${MAX_WEBHOOK_PAYLOAD_BYTES} bytes)` : '';
      return {
        ok: true,
        payload: asPayload(answer.body, answer.truncated),
        logs: line(`${status} in ${took}${cut}`),
        durationMs: elapsed(),
        requestId,
      };
    }
    const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
    const snippet = answer.body.toString('utf8').replace(/\s+/g, ' ').trim().slice(0, ERROR_SNIPPET_CHARS);
    const msg = `POST ${shown} answered HTTP ${statusShown}${redirect}${snippet !== '' ? `: ${snippet}` : ''}`;
    return failure('Rotor.WebhookHttpError', msg, line(`${status} in ${took}`));
  }

  /** Aborts deliveries in flight; later ones fail at once. */
  function close(): void {
    shutdown.abort(new Error('Rotor is shutting down'));
  }

  return { invoke, close };
}

export type WebhookInvoker = ReturnType<typeof createWebhookInvoker>;
