/**
 * `rotor help` and `rotor <command> help`: man-page-like text generated from the model's documentation
 * (HTML stripped), with the AWS CLI's sections: NAME, DESCRIPTION, SYNOPSIS, OPTIONS (with shorthand and
 * JSON syntax for structures and lists), GLOBAL OPTIONS, OUTPUT.
 */
import { getShape, MODEL, OPERATION_NAMES, operationDoc, outputShapeOf, type OperationName, type Shape } from '../api/model.js';
import { memberDoc, operationArguments, type MemberArgument } from './argument-table.js';
import { xformName } from './aws-name.js';
import { htmlToText, wrap } from './html-text.js';
import { PROG } from './cli-errors.js';

const I1 = '       ';
const I2 = '          ';

const GLOBAL_HELP: readonly [string, string][] = [
  ['--debug (boolean)', 'Turn on debug logging.'],
  ['--endpoint-url (string)', 'Override the endpoint URL (default: $ROTOR_ENDPOINT_URL, $AWS_ENDPOINT_URL, the profile\'s endpoint_url, or http://127.0.0.1:4599).'],
  ['--no-verify-ssl (boolean)', 'Do not verify the server\'s TLS certificate.'],
  ['--no-paginate (boolean)', 'Disable automatic pagination.'],
  ['--output (string)', 'The formatting style for command output: json, text, table, yaml, yaml-stream.'],
  ['--query (string)', 'A JMESPath query to use in filtering the response data.'],
  ['--profile (string)', 'Use a specific profile from your credential file.'],
  ['--region (string)', 'The region to use. Overrides config/env settings.'],
  ['--version (string)', 'Display the version of this tool.'],
  ['--color (string)', 'Turn on/off color output: on, off, auto.'],
  ['--no-sign-request (boolean)', 'Do not sign requests.'],
  ['--ca-bundle (string)', 'The CA certificate bundle to use when verifying TLS certificates.'],
  ['--cli-read-timeout (int)', 'The maximum socket read time in seconds (0: no timeout).'],
  ['--cli-connect-timeout (int)', 'The maximum socket connect time in seconds (0: no timeout).'],
  ['--cli-binary-format (string)', 'How blobs given as text are read: base64 (default) or raw-in-base64-out.'],
];

function typeName(shape: Shape): string {
  return shape.type;
}

// ---------------------------------------------------------------------------------------------------------
// Shorthand and JSON syntax (awscli ParamShorthandDocGen / the JSON example generator).

function shorthandDocs(shape: Shape, stack: string[]): string {
  if (stack.length > 3) throw new Error('too complex');
  if (shape.type === 'structure') {
    const parts = Object.entries(shape.members).map(([name, ref]) => {
      if (stack.includes(ref.shape)) return `${name}=( ... recursive ... )`;
      stack.push(ref.shape);
      try {
        return `${name}=${shorthandDocs(getShape(ref.shape), stack)}`;
      } finally {
        stack.pop();
      }
    });
    return stack.length === 0 ? parts.join(',') : `{${parts.join(',')}}`;
  }
  if (shape.type === 'list') {
    stack.push(shape.member.shape);
    let el: string;
    try {
      el = shorthandDocs(getShape(shape.member.shape), stack);
    } finally {
      stack.pop();
    }
    const m = getShape(shape.member.shape);
    return m.type === 'structure' || m.type === 'list' || m.type === 'map' || stack.length > 1 ? `[${el},${el}]` : `${el},${el}`;
  }
  if (shape.type === 'map') {
    const v = shorthandDocs(getShape(shape.value.shape), stack);
    const s = `KeyName1=${v},KeyName2=${v}`;
    return stack.length > 0 ? `{${s}}` : s;
  }
  return shape.type;
}

function supportsShorthand(shape: Shape): boolean {
  if (shape.type === 'structure' || shape.type === 'map') return true;
  if (shape.type === 'list') {
    const m = getShape(shape.member.shape).type;
    return m === 'structure' || m === 'list' || m === 'map';
  }
  return false;
}

export function shorthandExample(shape: Shape): string | undefined {
  if (!supportsShorthand(shape)) return undefined;
  try {
    if (shape.type === 'list') return `${shorthandDocs(getShape(shape.member.shape), [])} ...`;
    return shorthandDocs(shape, []);
  } catch {
    return undefined;
  }
}

function jsonExample(shape: Shape, indent: string, stack: string[]): string {
  switch (shape.type) {
    case 'structure': {
      const inner = Object.entries(shape.members).map(([name, ref]) => {
        if (stack.includes(ref.shape)) return `${indent}  "${name}": {...recursive...}`;
        stack.push(ref.shape);
        try {
          return `${indent}  "${name}": ${jsonExample(getShape(ref.shape), `${indent}  `, stack)}`;
        } finally {
          stack.pop();
        }
      });
      return `{\n${inner.join(',\n')}\n${indent}}`;
    }
    case 'list':
      return `[\n${indent}  ${jsonExample(getShape(shape.member.shape), `${indent}  `, stack)}\n${indent}  ...\n${indent}]`;
    case 'map':
      return `{"string": ${jsonExample(getShape(shape.value.shape), indent, stack)}\n${indent}  ...}`;
    case 'string':
      return shape.enum !== undefined ? `"${shape.enum.join('"|"')}"` : '"string"';
    case 'blob':
      return 'blob';
    default:
      return shape.type;
  }
}

// ---------------------------------------------------------------------------------------------------------

function memberSection(name: string, shape: Shape, doc: string, indent: string, depth: number, out: string[]): void {
  out.push(`${indent}${name} -> (${typeName(shape)})`);
  const text = htmlToText(doc, `${indent}    `);
  if (text !== '') out.push(text);
  out.push('');
  if (depth > 3) return;
  if (shape.type === 'structure') {
    for (const [m, ref] of Object.entries(shape.members)) memberSection(m, getShape(ref.shape), memberDoc(ref), `${indent}    `, depth + 1, out);
  } else if (shape.type === 'list') {
    const ms = getShape(shape.member.shape);
    if (ms.type === 'structure') memberSection('(structure)', ms, ms.documentation ?? '', `${indent}    `, depth + 1, out);
    else memberSection(`(${ms.type})`, ms, '', `${indent}    `, depth + 1, out);
  }
}

function optionSection(a: MemberArgument, out: string[]): void {
  const title = a.shape.type === 'boolean' ? `--${a.name} | --no-${a.name} (boolean)` : `--${a.name} (${typeName(a.shape)})`;
  out.push(`${I1}${title}`);
  const text = htmlToText(memberDoc(a.ref), I2);
  if (text !== '') out.push(text);
  out.push('');
  if (a.shape.type === 'structure') {
    for (const [m, ref] of Object.entries(a.shape.members)) memberSection(m, getShape(ref.shape), memberDoc(ref), I2, 1, out);
  } else if (a.shape.type === 'list') {
    const ms = getShape(a.shape.member.shape);
    if (ms.type === 'structure') memberSection('(structure)', ms, ms.documentation ?? '', I2, 1, out);
    else memberSection(`(${ms.type})`, ms, '', I2, 1, out);
  }
  const sh = shorthandExample(a.shape);
  if (sh !== undefined) out.push(`${I1}Shorthand Syntax:`, '', `${I2}${sh}`, '');
  else if (a.shape.type === 'list') out.push(`${I1}Syntax:`, '', `${I2}"string" "string" ...`, '');
  if (a.shape.type === 'structure' || a.shape.type === 'list' || a.shape.type === 'map') {
    out.push(`${I1}JSON Syntax:`, '', jsonExample(a.shape, I2, []).split('\n').map((l) => (l.startsWith(I2) ? l : `${I2}${l}`)).join('\n'), '');
  }
}

function outputSection(shapeName: string | undefined, out: string[]): void {
  out.push('OUTPUT');
  if (shapeName === undefined) {
    out.push(`${I1}None`, '');
    return;
  }
  const s = getShape(shapeName);
  if (s.type !== 'structure') return;
  for (const [m, ref] of Object.entries(s.members)) memberSection(m, getShape(ref.shape), memberDoc(ref), I1, 1, out);
}

/** The help page of one operation command. */
export function operationHelp(op: OperationName): string {
  const name = xformName(op, '-');
  const args = operationArguments(op);
  const out: string[] = ['NAME', `${I1}${name} -`, '', 'DESCRIPTION', htmlToText(operationDoc(op), I1), '', 'SYNOPSIS', `            ${name}`];
  for (const a of args.members) {
    if (a.undocumented) continue;
    if (a.shape.type === 'boolean') out.push(`${I2}[--${a.name} | --no-${a.name}]`);
    else out.push(a.required ? `${I2}--${a.name} <value>` : `${I2}[--${a.name} <value>]`);
  }
  out.push(`${I2}[--cli-input-json | --cli-input-yaml]`);
  out.push(`${I2}[--generate-cli-skeleton <value>]`);
  if (args.paginated) out.push(`${I2}[--starting-token <value>]`, `${I2}[--page-size <value>]`, `${I2}[--max-items <value>]`);
  if (op === 'RotateSecret') out.push(`${I2}[--wait]`, `${I2}[--wait-timeout <value>]`);
  for (const [g] of GLOBAL_HELP) out.push(`${I2}[${g.replace(/ \((string|int)\)$/, ' <value>').replace(/ \(boolean\)$/, '')}]`);
  out.push('', 'OPTIONS');
  for (const a of args.members) if (!a.undocumented) optionSection(a, out);
  out.push(
    `${I1}--cli-input-json | --cli-input-yaml (string)`,
    ...wrap(
      'Reads arguments from the JSON (or YAML) string provided, in the format printed by --generate-cli-skeleton. Values given on the command line override those of the document. file:// reads it from a file.',
      I2,
    ),
    '',
    `${I1}--generate-cli-skeleton (string)`,
    ...wrap(
      'Prints a skeleton without calling the service. With no value or "input": a JSON input skeleton for --cli-input-json; "yaml-input": a commented YAML skeleton for --cli-input-yaml; "output": validates the other arguments and prints a sample response (valid against the model).',
      I2,
    ),
    '',
  );
  if (args.paginated) {
    out.push(
      `${I1}--starting-token (string)`,
      ...wrap('A token to specify where to start paginating: the NextToken from a previously truncated output.', I2),
      '',
      `${I1}--page-size (integer)`,
      ...wrap('The size of each page to get in the service call. It does not change the number of items printed.', I2),
      '',
      `${I1}--max-items (integer)`,
      ...wrap('The total number of items to print. If more are available, a NextToken is printed; pass it to --starting-token.', I2),
      '',
    );
  }
  if (op === 'RotateSecret') {
    out.push(
      `${I1}--wait (boolean)  [Rotor]`,
      ...wrap('After RotateSecret returns, follow the rotation and show each step (createSecret, setSecret, testSecret, finishSecret) as it completes. On failure, shows the failed step, its error and the function\'s output and exits 255.', I2),
      '',
      `${I1}--wait-timeout (integer)  [Rotor]`,
      ...wrap('How many seconds --wait follows the rotation before giving up (default 300).', I2),
      '',
    );
  }
  out.push('GLOBAL OPTIONS');
  for (const [g, d] of GLOBAL_HELP) out.push(`${I1}${g}`, ...wrap(d, I2), '');
  outputSection(outputShapeOf(op), out);
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

/** `rotor help`: the service description and the list of commands. */
export function mainHelp(): string {
  const out: string[] = [
    'NAME',
    `${I1}${PROG} -`,
    '',
    'DESCRIPTION',
    ...wrap('Rotor: a self-hosted AWS Secrets Manager with rotation at its centre. Every Secrets Manager operation is a command with the AWS CLI\'s options, input and output.', I1),
    '',
    htmlToText(MODEL.documentation ?? '', I1),
    '',
    'SYNOPSIS',
    `${I1}${PROG} [options] <command> [parameters]`,
    '',
    'AVAILABLE COMMANDS',
  ];
  for (const op of OPERATION_NAMES) out.push(`${I1}o ${xformName(op, '-')}`, '');
  out.push(
    `${I1}o rotation-history   (Rotor) the recorded rotation runs of a secret, step by step`,
    '',
    `${I1}o serve              (Rotor) start the server`,
    '',
    `${I1}o completion         (Rotor) print a shell completion script (bash)`,
    '',
  );
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
