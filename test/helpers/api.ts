/**
 * Small helpers shared by the API suite (test/api/*.test.ts): unique names and tokens, raw-body inspection,
 * and label-set comparison.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'vitest';

let counter = 0;

/**
 * A fresh secret name. It ends in `_` + 8 alphanumerics, so it never looks like `<name>-XXXXXX` and its
 * partial ARN can be resolved.
 */
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}/${counter}_${randomBytes(6).toString('hex').slice(0, 8)}`;
}

/** A ClientRequestToken / VersionId as the SDKs make them (UUIDv4, 36 chars). */
export function token(): string {
  return randomUUID();
}

export const INVALID_NAME_MESSAGE =
  'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!';
export const NOT_FOUND_MESSAGE = "Secrets Manager can't find the specified secret.";
export const MARKED_FOR_DELETION_MESSAGE =
  "You can't perform this operation on the secret because it was marked for deletion.";
export const MISSING_TOKEN_MESSAGE = 'You must provide a ClientRequestToken value. We recommend a UUID-type value.';

/** Sorted keys of a raw response body (to assert exactly which members are present). */
export function keysOf(body: Record<string, unknown>): string[] {
  return Object.keys(body).sort();
}

/** A string member of a raw response body (fails the test if it is not a string). */
export function str(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  expect(typeof v, `${key} should be a string`).toBe('string');
  return v as string;
}

/** A number member of a raw response body (fails the test if it is not a number). */
export function num(body: Record<string, unknown>, key: string): number {
  const v = body[key];
  expect(typeof v, `${key} should be a number`).toBe('number');
  return v as number;
}

/** An object member of a raw response body. */
export function obj(body: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = body[key];
  expect(typeof v === 'object' && v !== null && !Array.isArray(v), `${key} should be an object`).toBe(true);
  return v as Record<string, unknown>;
}

/** An array-of-objects member of a raw response body. */
export function list(body: Record<string, unknown>, key: string): Record<string, unknown>[] {
  const v = body[key];
  expect(Array.isArray(v), `${key} should be an array`).toBe(true);
  return v as Record<string, unknown>[];
}

/** Labels as a sorted copy, for set comparison (spec C6). */
export function labels(l: readonly string[] | undefined): string[] {
  return [...(l ?? [])].sort();
}

/** 00:00:00 UTC of the day of `ms`, in epoch milliseconds. */
export function midnightUtc(ms: number): number {
  return ms - (ms % 86_400_000);
}

export const DAY_MS = 86_400_000;
