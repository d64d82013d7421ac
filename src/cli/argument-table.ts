/**
 * The options of one operation command, generated from the model as the AWS CLI builds its argument table:
 * every input member as `--kebab-name` (booleans as a `--x`/`--no-x` pair), idempotency tokens optional,
 * then `--cli-input-json`, `--cli-input-yaml`, `--generate-cli-skeleton`, and for paginated operations
 * `--starting-token`, `--page-size`, `--max-items` (the member paging options stay accepted, undocumented).
 */
import { getShape, inputShapeOf, type OperationName, type Shape, type ShapeRef } from '../api/model.js';
import type { OptionSpec } from './arg-parser.js';
import { xformName } from './aws-name.js';
import { paginatorFor } from './paginators.js';

export interface MemberArgument {
  kind: 'member';
  /** rotation-lambda-arn */
  name: string;
  /** RotationLambdaARN */
  member: string;
  ref: ShapeRef;
  shape: Shape;
  required: boolean;
  /** Hidden from help (the paging members of a paginated operation). */
  undocumented: boolean;
}

export interface OperationArguments {
  op: OperationName;
  inputShape: string | undefined;
  members: MemberArgument[];
  paginated: boolean;
  specs: OptionSpec[];
}

export const SKELETON_CHOICES = ['input', 'output', 'yaml-input'] as const;

const cache = new Map<OperationName, OperationArguments>();

export function operationArguments(op: OperationName): OperationArguments {
  const hit = cache.get(op);
  if (hit !== undefined) return hit;
  const inputShape = inputShapeOf(op);
  const members: MemberArgument[] = [];
  const pager = paginatorFor(op);
  const pagingMembers = new Set(pager === undefined ? [] : [pager.inputToken, pager.limitKey]);
  if (inputShape !== undefined) {
    const s = getShape(inputShape);
    if (s.type === 'structure') {
      const required = new Set(s.required ?? []);
      for (const [member, ref] of Object.entries(s.members)) {
        members.push({
          kind: 'member',
          name: xformName(member, '-'),
          member,
          ref,
          shape: getShape(ref.shape),
          required: required.has(member) && ref.idempotencyToken !== true,
          undocumented: pagingMembers.has(member),
        });
      }
    }
  }
  const specs: OptionSpec[] = [];
  for (const m of members) {
    if (m.shape.type === 'boolean') {
      specs.push({ flag: `--${m.name}`, dest: m.member, nargs: 0, store: true });
      specs.push({ flag: `--no-${m.name}`, dest: m.member, nargs: 0, store: false });
    } else if (m.shape.type === 'list') {
      specs.push({ flag: `--${m.name}`, dest: m.member, nargs: '*', required: m.required });
    } else {
      // argparse type=int for `long` members only (CLIArgument.TYPE_MAP); integers are converted later.
      specs.push({ flag: `--${m.name}`, dest: m.member, nargs: 1, required: m.required, ...(m.shape.type === 'long' ? { int: true } : {}) });
    }
  }
  specs.push({ flag: '--cli-input-json', dest: 'cli_input_json', nargs: 1 });
  specs.push({ flag: '--cli-input-yaml', dest: 'cli_input_yaml', nargs: 1 });
  specs.push({ flag: '--generate-cli-skeleton', dest: 'generate_cli_skeleton', nargs: '?', const: 'input', choices: SKELETON_CHOICES });
  if (pager !== undefined) {
    specs.push({ flag: '--starting-token', dest: 'starting_token', nargs: 1 });
    if (pager.limitKey !== undefined) specs.push({ flag: '--page-size', dest: 'page_size', nargs: 1, int: true });
    specs.push({ flag: '--max-items', dest: 'max_items', nargs: 1, int: true });
  }
  const out: OperationArguments = { op, inputShape, members, paginated: pager !== undefined, specs };
  cache.set(op, out);
  return out;
}

/** Documentation of a member: the reference's own, else the shape's (botocore's resolution). */
export function memberDoc(ref: ShapeRef): string {
  return ref.documentation ?? getShape(ref.shape).documentation ?? '';
}
