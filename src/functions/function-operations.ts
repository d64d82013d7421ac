/**
 * The function use cases behind the Lambda REST API: create, read, list, update code and configuration,
 * delete, and the resource policy. Each write reads the function, computes the new record and writes it
 * only if its RevisionId is unchanged (retrying on a lost race, or failing with PreconditionFailed when
 * the caller pinned a RevisionId), as secrets are written.
 */
import { randomUUID } from 'node:crypto';
import type { Scope } from '../domain/types.js';
import { codeSha256, readPackage } from './code-package.js';
import type { CodeUpdate, ConfigurationUpdate, CreateFunctionInput } from './function-input.js';
import { functionArn } from './function-name.js';
import { buildStatement, type AddPermissionInput, type PolicyStatement } from './function-policy.js';
import type { FunctionRecord } from './function-record.js';
import type { FunctionStore } from './function-store.js';
import { lambdaErr } from './lambda-errors.js';
import { isWebhookRuntime, webhookSettings, WEBHOOK_RUNTIME, WEBHOOK_URL_VAR } from './webhook-config.js';

const MAX_ATTEMPTS = 8;
/** Lambda's quota on a function's resource policy document. */
const MAX_POLICY_BYTES = 20_480;

export interface FunctionChange {
  before: FunctionRecord;
  after: FunctionRecord | undefined;
}

export function createFunctionOperations(deps: {
  store: FunctionStore;
  clock: () => number;
  /** Called after each committed change (to stop workers of the old definition, clean up code). */
  onChange: (c: FunctionChange) => void;
}) {
  const { store, clock, onChange } = deps;

  async function get(scope: Scope, name: string): Promise<FunctionRecord> {
    const f = await store.get(scope, name);
    if (!f) throw lambdaErr.functionNotFound(functionArn(scope, name));
    return f;
  }

  async function create(scope: Scope, input: CreateFunctionInput): Promise<FunctionRecord> {
    // A webhook function has no package: an empty blob stands for it (CodeSize 0).
    if (isWebhookRuntime(input.runtime)) webhookSettings(input.environment);
    else readPackage(input.zip);
    const f: FunctionRecord = {
      accountId: scope.accountId,
      region: scope.region,
      name: input.name,
      arn: functionArn(scope, input.name),
      runtime: input.runtime,
      role: input.role,
      handler: input.handler,
      description: input.description,
      timeout: input.timeout,
      memorySize: input.memorySize,
      architectures: input.architectures,
      codeSha256: codeSha256(input.zip),
      codeSize: input.zip.length,
      lastModified: clock(),
      revisionId: randomUUID(),
      policy: [],
    };
    if (input.environment !== undefined) f.environment = input.environment;
    if (!(await store.insert(f, input.zip))) throw lambdaErr.functionExists(input.name);
    return f;
  }

  /** Read-modify-write with the revision check; `change` may throw a LambdaError. */
  async function modify(
    scope: Scope,
    name: string,
    pinnedRevision: string | undefined,
    change: (f: FunctionRecord) => { next: FunctionRecord; code?: Buffer },
  ): Promise<FunctionRecord> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const before = await get(scope, name);
      if (pinnedRevision !== undefined && pinnedRevision !== before.revisionId) throw lambdaErr.precondition();
      const { next, code } = change(before);
      next.revisionId = randomUUID();
      if (await store.update(next, before.revisionId, code)) {
        onChange({ before, after: next });
        return next;
      }
    }
    throw lambdaErr.conflict('The operation cannot be performed at this time. An update is in progress for resource: ' + functionArn(scope, name));
  }

  function updateCode(scope: Scope, name: string, u: CodeUpdate): Promise<FunctionRecord> {
    readPackage(u.zip);
    const sha = codeSha256(u.zip);
    return modify(scope, name, u.revisionId, (f) => {
      if (isWebhookRuntime(f.runtime)) {
        throw lambdaErr.invalidParameter(
          `Functions with Runtime ${WEBHOOK_RUNTIME} have no code; change ${WEBHOOK_URL_VAR} with UpdateFunctionConfiguration instead.`,
        );
      }
      return { next: { ...f, codeSha256: sha, codeSize: u.zip.length, lastModified: clock() }, code: u.zip };
    });
  }

  function updateConfiguration(scope: Scope, name: string, u: ConfigurationUpdate): Promise<FunctionRecord> {
    return modify(scope, name, u.revisionId, (f) => {
      const next: FunctionRecord = { ...f, lastModified: clock() };
      if (u.role !== undefined) next.role = u.role;
      if (u.handler !== undefined) next.handler = u.handler;
      if (u.runtime !== undefined) next.runtime = u.runtime;
      if (u.timeout !== undefined) next.timeout = u.timeout;
      if (u.memorySize !== undefined) next.memorySize = u.memorySize;
      if (u.description !== undefined) next.description = u.description;
      if (u.environment !== undefined) next.environment = u.environment;
      if (isWebhookRuntime(f.runtime) !== isWebhookRuntime(next.runtime)) {
        throw lambdaErr.invalidParameter(
          `The runtime cannot change between ${WEBHOOK_RUNTIME} and a runtime that runs code; create a new function instead.`,
        );
      }
      if (isWebhookRuntime(next.runtime)) webhookSettings(next.environment);
      return { next };
    });
  }

  async function remove(scope: Scope, name: string): Promise<void> {
    const before = await get(scope, name);
    if (!(await store.delete(scope, name))) throw lambdaErr.functionNotFound(functionArn(scope, name));
    onChange({ before, after: undefined });
  }

  async function addPermission(
    scope: Scope,
    name: string,
    input: AddPermissionInput & { revisionId?: string },
  ): Promise<PolicyStatement> {
    let statement: PolicyStatement | undefined;
    await modify(scope, name, input.revisionId, (f) => {
      if (f.policy.some((s) => s.Sid === input.StatementId)) {
        throw lambdaErr.conflict(
          'The statement id (' + input.StatementId + ') provided already exists. Please choose a new statement id, or remove the existing statement.',
        );
      }
      statement = buildStatement(input, f.arn);
      const policy = [...f.policy, statement];
      if (Buffer.byteLength(JSON.stringify(policy)) > MAX_POLICY_BYTES) {
        throw lambdaErr.invalidParameter('The final policy size is bigger than the limit.');
      }
      return { next: { ...f, policy } };
    });
    if (!statement) throw lambdaErr.invalidParameter('The statement could not be added.');
    return statement;
  }

  async function removePermission(scope: Scope, name: string, sid: string, revisionId?: string): Promise<void> {
    await modify(scope, name, revisionId, (f) => {
      if (!f.policy.some((s) => s.Sid === sid)) {
        throw lambdaErr.notFound(`Statement ${sid} is not found in resource policy.`);
      }
      return { next: { ...f, policy: f.policy.filter((s) => s.Sid !== sid) } };
    });
  }

  async function list(scope: Scope, afterName: string | undefined, limit: number): Promise<FunctionRecord[]> {
    return store.list(scope, afterName, limit);
  }

  return { get, create, updateCode, updateConfiguration, remove, addPermission, removePermission, list };
}

export type FunctionOperations = ReturnType<typeof createFunctionOperations>;
