/**
 * `--output yaml` / `yaml-stream`, close to the AWS CLI's ruamel safe dump: block style, keys sorted, lists
 * not indented under their key, strings quoted only when they would read as something else (timestamps
 * included), single quotes preferred; a bare scalar (e.g. from --query) is printed as JSON.
 */
import { stringify, type CreateNodeOptions, type DocumentOptions, type SchemaOptions, type ToStringOptions } from 'yaml';

const OPTIONS: DocumentOptions & SchemaOptions & CreateNodeOptions & ToStringOptions = {
  version: '1.2',
  customTags: ['timestamp'],
  sortMapEntries: true,
  indentSeq: false,
  singleQuote: true,
  blockQuote: false,
  lineWidth: 80,
};

function isScalar(v: unknown): boolean {
  return v === null || v === undefined || typeof v !== 'object';
}

export function formatYaml(data: unknown): string {
  if (isScalar(data)) return `${JSON.stringify(data ?? null)}\n`;
  return stringify(data, OPTIONS);
}

/** yaml-stream: each response as a one-element list (the CLI streams pages this way). */
export function formatYamlStream(items: readonly unknown[]): string {
  return items.map((i) => stringify([i], OPTIONS)).join('');
}
