/**
 * What makes a webhook function: Runtime `rotor.webhook1`, no code, and two environment variables — the
 * URL Rotor POSTs each event to and the secret it signs deliveries with. Checked at CreateFunction and at
 * every UpdateFunctionConfiguration (Lambda's error shape, InvalidParameterValueException), and again
 * before each delivery. Messages never repeat the secret, nor the URL (which may carry a token).
 */
import { lambdaErr } from './lambda-errors.js';
import { runtimeKind, type RuntimeName } from './runtimes.js';

export const WEBHOOK_RUNTIME = 'rotor.webhook1' satisfies RuntimeName;
export const WEBHOOK_URL_VAR = 'ROTOR_WEBHOOK_URL';
export const WEBHOOK_SECRET_VAR = 'ROTOR_WEBHOOK_SECRET';
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

export interface WebhookSettings {
  url: URL;
  secret: string;
}

export function isWebhookRuntime(r: RuntimeName): boolean {
  return runtimeKind(r) === 'webhook';
}

/** The URL and secret of a webhook function's Variables; throws InvalidParameterValueException. */
export function webhookSettings(env: Record<string, string> | undefined): WebhookSettings {
  const rawUrl = env?.[WEBHOOK_URL_VAR];
  if (rawUrl === undefined || rawUrl === '') {
    throw lambdaErr.invalidParameter(
      `Functions with Runtime ${WEBHOOK_RUNTIME} need Environment.Variables.${WEBHOOK_URL_VAR}: the http:// or https:// URL Rotor posts each event to.`,
    );
  }
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw lambdaErr.invalidParameter(`${WEBHOOK_URL_VAR} is not a valid absolute URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw lambdaErr.invalidParameter(`${WEBHOOK_URL_VAR} must be an http:// or https:// URL (not ${url.protocol.slice(0, 20)}//).`);
  }
  if (url.username !== '' || url.password !== '') {
    throw lambdaErr.invalidParameter(`${WEBHOOK_URL_VAR} must not contain a user name or password.`);
  }
  if (url.hostname === '') throw lambdaErr.invalidParameter(`${WEBHOOK_URL_VAR} must name a host.`);
  const secret = env?.[WEBHOOK_SECRET_VAR];
  if (secret === undefined || [...secret].length < MIN_WEBHOOK_SECRET_LENGTH) {
    throw lambdaErr.invalidParameter(
      `Functions with Runtime ${WEBHOOK_RUNTIME} need Environment.Variables.${WEBHOOK_SECRET_VAR}, the signing secret, of at least ${MIN_WEBHOOK_SECRET_LENGTH} characters.`,
    );
  }
  return { url, secret };
}

/** The URL as shown in logs and errors: no query string (it may carry a token) and no fragment. */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}${url.search !== '' ? '?…' : ''}`;
}
