/**
 * Typed access to the vendored AWS Secrets Manager service model (model/secretsmanager-2017-10-17.service-2.json).
 * The JSON is read once at module load. Only the parts Rotor uses are typed: operations (input/output shape
 * names, documentation) and shapes (types, constraints, members, sensitivity, idempotency tokens).
 */
import { readFileSync } from 'node:fs';

/** All 23 operations of API version 2017-10-17, in the model's (alphabetical) order. */
export const OPERATION_NAMES = [
  'BatchGetSecretValue',
  'CancelRotateSecret',
  'CreateSecret',
  'DeleteResourcePolicy',
  'DeleteSecret',
  'DescribeSecret',
  'GetRandomPassword',
  'GetResourcePolicy',
  'GetSecretValue',
  'ListSecretVersionIds',
  'ListSecrets',
  'PutResourcePolicy',
  'PutSecretValue',
  'RemoveRegionsFromReplication',
  'ReplicateSecretToRegions',
  'RestoreSecret',
  'RotateSecret',
  'StopReplicationToReplica',
  'TagResource',
  'UntagResource',
  'UpdateSecret',
  'UpdateSecretVersionStage',
  'ValidateResourcePolicy',
] as const satisfies readonly string[];

export type OperationName = (typeof OPERATION_NAMES)[number];

// ---------------------------------------------------------------------------------------------------------
// Model JSON interfaces (subset).

export interface ShapeRef {
  shape: string;
  documentation?: string;
  box?: boolean;
  idempotencyToken?: boolean;
}

interface ShapeBase {
  documentation?: string;
  sensitive?: boolean;
}

export interface StringShape extends ShapeBase {
  type: 'string';
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
}

export interface NumberShape extends ShapeBase {
  type: 'integer' | 'long';
  min?: number;
  max?: number;
  box?: boolean;
}

export interface BooleanShape extends ShapeBase {
  type: 'boolean';
}

export interface BlobShape extends ShapeBase {
  type: 'blob';
  min?: number;
  max?: number;
}

export interface TimestampShape extends ShapeBase {
  type: 'timestamp';
}

export interface ListShape extends ShapeBase {
  type: 'list';
  member: ShapeRef;
  min?: number;
  max?: number;
}

export interface MapShape extends ShapeBase {
  type: 'map';
  key: ShapeRef;
  value: ShapeRef;
  min?: number;
  max?: number;
}

export interface StructureShape extends ShapeBase {
  type: 'structure';
  members: Record<string, ShapeRef>;
  required?: string[];
  exception?: boolean;
  fault?: boolean;
}

export type Shape =
  | StringShape
  | NumberShape
  | BooleanShape
  | BlobShape
  | TimestampShape
  | ListShape
  | MapShape
  | StructureShape;

export interface OperationModel {
  name: string;
  http?: { method: string; requestUri: string };
  input?: ShapeRef;
  output?: ShapeRef;
  errors?: ShapeRef[];
  documentation?: string;
}

export interface ServiceModel {
  version: string;
  metadata: Record<string, unknown>;
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
  documentation?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Loading. The file is AWS's own published model; we check the handful of structural facts the validator
// relies on (every operation present, every referenced shape defined, known shape types) and then treat the
// parsed JSON as a ServiceModel.

const MODEL_URL = new URL('../../model/secretsmanager-2017-10-17.service-2.json', import.meta.url);
const SHAPE_TYPES: ReadonlySet<string> = new Set([
  'string',
  'integer',
  'long',
  'boolean',
  'blob',
  'timestamp',
  'list',
  'map',
  'structure',
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function loadModel(): ServiceModel {
  const raw: unknown = JSON.parse(readFileSync(MODEL_URL, 'utf8'));
  if (!isRecord(raw) || !isRecord(raw['operations']) || !isRecord(raw['shapes'])) {
    throw new Error(`Service model ${MODEL_URL.pathname} is malformed`);
  }
  const shapes = raw['shapes'];
  for (const [name, shape] of Object.entries(shapes)) {
    if (!isRecord(shape) || typeof shape['type'] !== 'string' || !SHAPE_TYPES.has(shape['type'])) {
      throw new Error(`Service model shape ${name} has an unsupported type`);
    }
  }
  const refOk = (ref: unknown): boolean => isRecord(ref) && typeof ref['shape'] === 'string' && ref['shape'] in shapes;
  for (const [name, shape] of Object.entries(shapes)) {
    if (!isRecord(shape)) continue;
    const refs: unknown[] =
      shape['type'] === 'structure' && isRecord(shape['members'])
        ? Object.values(shape['members'])
        : shape['type'] === 'list'
          ? [shape['member']]
          : shape['type'] === 'map'
            ? [shape['key'], shape['value']]
            : [];
    if (shape['type'] === 'structure' && !isRecord(shape['members'])) {
      throw new Error(`Service model structure ${name} has no members`);
    }
    if (!refs.every(refOk)) throw new Error(`Service model shape ${name} references an unknown shape`);
  }
  for (const op of OPERATION_NAMES) {
    const o = raw['operations'][op];
    if (!isRecord(o)) throw new Error(`Service model lacks operation ${op}`);
    if (o['input'] !== undefined && !refOk(o['input'])) throw new Error(`Operation ${op} has an unknown input shape`);
  }
  // Checked above as far as the validator depends on it; the rest is AWS's published schema.
  return raw as unknown as ServiceModel;
}

export const MODEL: ServiceModel = loadModel();

const OPERATION_SET: ReadonlySet<string> = new Set(OPERATION_NAMES);

export function isOperationName(name: string): name is OperationName {
  return OPERATION_SET.has(name);
}

function operation(op: OperationName): OperationModel {
  const o = MODEL.operations[op];
  if (o === undefined) throw new Error(`Unknown operation ${op}`);
  return o;
}

/** Name of the operation's input structure (every operation has one in 2017-10-17). */
export function inputShapeOf(op: OperationName): string | undefined {
  return operation(op).input?.shape;
}

/** Name of the operation's output structure; TagResource/UntagResource have none. */
export function outputShapeOf(op: OperationName): string | undefined {
  return operation(op).output?.shape;
}

/** The shape called `name`; throws for a name the model does not define. */
export function getShape(name: string): Shape {
  const s = MODEL.shapes[name];
  if (s === undefined) throw new Error(`Unknown shape ${name}`);
  return s;
}

/** All shapes, e.g. for tests that check every pattern compiles. */
export function allShapes(): ReadonlyArray<readonly [string, Shape]> {
  return Object.entries(MODEL.shapes);
}

/** Top-level input members marked `"idempotencyToken": true` (ClientRequestToken on Create/Put/Update/Rotate). */
export function idempotencyTokenMembers(op: OperationName): string[] {
  const name = inputShapeOf(op);
  if (name === undefined) return [];
  const shape = getShape(name);
  if (shape.type !== 'structure') return [];
  return Object.entries(shape.members)
    .filter(([, ref]) => ref.idempotencyToken === true)
    .map(([member]) => member);
}

/** The operation's documentation (HTML, as in the model); '' if none. */
export function operationDoc(op: OperationName): string {
  return operation(op).documentation ?? '';
}
