/**
 * `--generate-cli-skeleton`: botocore's ArgumentGenerator (input: '' / 0 / true / null blobs, one element per
 * list, {"KeyName": …} per map, the first enum value), the v2 `yaml-input` skeleton with ruamel's one-line
 * comments, and the sample output.
 *
 * Sample output: the AWS CLI builds it from member names and then validates it as a response, which fails
 * whenever a name is shorter than the member's minimum length — for rotate-secret always ("Invalid length
 * for parameter ARN, value: 3, valid min length: 20", spec §12.2, aws/aws-cli#2337). Rotor prints a valid
 * sample instead: names padded to the minimum length, numbers at their minimum.
 */
import { getShape, type Shape, type ShapeRef } from '../api/model.js';
import { memberDoc } from './argument-table.js';

function gen(shapeName: string, stack: string[], memberName: string, sample: boolean): unknown {
  stack.push(shapeName);
  try {
    const shape = getShape(shapeName);
    switch (shape.type) {
      case 'structure': {
        const out: Record<string, unknown> = {};
        if (stack.filter((s) => s === shapeName).length > 1) return out;
        for (const [m, ref] of Object.entries(shape.members)) out[m] = gen(ref.shape, stack, m, sample);
        return out;
      }
      case 'list':
        return [gen(shape.member.shape, stack, sample ? shape.member.shape : '', sample)];
      case 'map': {
        const key = sample ? sampleString('KeyName', getShape(shape.key.shape)) : 'KeyName';
        return { [key]: gen(shape.value.shape, stack, sample ? 'KeyName' : '', sample) };
      }
      case 'string':
        if (sample) return sampleString(memberName, shape);
        return shape.enum?.[0] ?? '';
      case 'integer':
      case 'long':
        return sample ? Math.max(0, shape.min ?? 0) : 0;
      case 'boolean':
        return true;
      case 'timestamp':
        return sample ? new Date(0) : '1970-01-01T00:00:00';
      case 'blob':
        return sample ? new TextEncoder().encode(memberName) : null;
    }
  } finally {
    stack.pop();
  }
}

function sampleString(name: string, shape: Shape): string {
  if (shape.type !== 'string') return name;
  if (shape.enum !== undefined && shape.enum.length > 0 && shape.enum[0] !== undefined) return shape.enum[0];
  let s = name;
  if (shape.min !== undefined && s.length < shape.min) s = s.padEnd(shape.min, '-');
  if (shape.max !== undefined && s.length > shape.max) s = s.slice(0, shape.max);
  return s;
}

/** The input skeleton (`--generate-cli-skeleton` / `input`), as a value to print with 4-space JSON. */
export function inputSkeleton(shapeName: string | undefined): unknown {
  return shapeName === undefined ? {} : gen(shapeName, [], '', false);
}

/** A sample response for `--generate-cli-skeleton output` (valid against the model, unlike the AWS CLI's). */
export function outputSample(shapeName: string | undefined): Record<string, unknown> {
  if (shapeName === undefined) return {};
  return gen(shapeName, [], '', true) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------------
// yaml-input

function stripXml(doc: string): string {
  return doc
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** awscli get_shape_doc_overview: the first sentence (up to '.' or ':'), line breaks as spaces. */
export function docOverview(doc: string): string {
  let content = stripXml(doc);
  content = content.split(/[.:]+/, 1)[0] ?? '';
  if (content !== '') content += '.';
  return content.replace(/[\n\u2028]/g, ' ');
}

function yamlScalar(v: unknown): string {
  if (v === null) return "!!binary ''";
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return String(v);
  const s = String(v);
  return s === '' ? "''" : s;
}

function memberComment(ref: ShapeRef, required: boolean): string {
  const parts: string[] = [];
  if (required) parts.push('[REQUIRED]');
  parts.push(docOverview(memberDoc(ref)));
  const shape = getShape(ref.shape);
  if (shape.type === 'string' && shape.enum !== undefined && shape.enum.length > 0) parts.push(`Valid values are: ${shape.enum.join(', ')}.`);
  const comment = parts.join(' ');
  return comment.trim() === '' ? '' : `# ${comment}`;
}

function yamlStructure(shapeName: string, indent: string, firstPrefix: string, lines: string[], stack: string[]): void {
  const shape = getShape(shapeName);
  if (shape.type !== 'structure') return;
  const required = new Set(shape.required ?? []);
  let first = true;
  for (const [m, ref] of Object.entries(shape.members)) {
    const prefix = first ? firstPrefix : indent;
    const comment = memberComment(ref, required.has(m));
    // ruamel puts two spaces before the comment of a mapping's first key and one before the others.
    const gap = comment === '' ? '' : first ? '  ' : ' ';
    const member = getShape(ref.shape);
    if (member.type === 'structure') {
      lines.push(`${prefix}${m}:${gap}${comment}`.trimEnd());
      stack.push(ref.shape);
      if (stack.filter((s) => s === ref.shape).length <= 1) yamlStructure(ref.shape, `${indent}  `, `${indent}  `, lines, stack);
      stack.pop();
    } else if (member.type === 'list') {
      lines.push(`${prefix}${m}:${gap}${comment}`.trimEnd());
      const item = getShape(member.member.shape);
      if (item.type === 'structure') yamlStructure(member.member.shape, `${indent}  `, `${indent}- `, lines, stack);
      else lines.push(`${indent}- ${yamlScalar(gen(member.member.shape, [], '', false))}`);
    } else if (member.type === 'map') {
      lines.push(`${prefix}${m}:${gap}${comment}`.trimEnd());
      lines.push(`${indent}  KeyName: ${yamlScalar(gen(member.value.shape, [], '', false))}`);
    } else {
      const v = member.type === 'blob' ? null : gen(ref.shape, [], '', false);
      lines.push(`${prefix}${m}: ${yamlScalar(v)}${comment === '' ? '' : `${gap}${comment}`}`);
    }
    first = false;
  }
}

/** The `yaml-input` skeleton text (ends with a newline; '{}\n' for an operation without input members). */
export function yamlInputSkeleton(shapeName: string | undefined): string {
  if (shapeName === undefined) return '{}\n';
  const lines: string[] = [];
  yamlStructure(shapeName, '', '', lines, [shapeName]);
  return lines.length === 0 ? '{}\n' : `${lines.join('\n')}\n`;
}
