/**
 * Output of a response in the format chosen by --output (json, text, table, yaml, yaml-stream), after
 * --query (JMESPath, @jmespath-community/jmespath). Paged results are printed as the AWS CLI does: the
 * aggregate for json/table/yaml, page by page for text and yaml-stream.
 */
import type { OutputFormat } from './output-formats.js';
import { formatTable, COLOR, PLAIN } from './output-table.js';
import { formatText } from './output-text.js';
import type { Query } from './query.js';

export interface OutputOptions {
  format: OutputFormat;
  query: Query | undefined;
  color: 'on' | 'off' | 'auto';
  isTty: boolean;
  /** Terminal width for table output (80 when stdout is not a terminal). */
  width: number;
}

/** A paged response: the pages as printed one by one, and the aggregate as printed whole. */
export interface PagedResponse {
  pages: Record<string, unknown>[];
  aggregate: Record<string, unknown>;
  resumeToken: string | undefined;
}

function applyQuery(data: unknown, query: Query | undefined): unknown {
  return query === undefined ? data : query(data);
}

/** The YAML emitter is loaded only for --output yaml / yaml-stream. */
async function yaml(): Promise<typeof import('./output-yaml.js')> {
  return import('./output-yaml.js');
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

function json(v: unknown): string {
  return `${JSON.stringify(v ?? null, null, 4)}\n`;
}

/** The text to print for one (non-paged) response of `command` (the operation name, e.g. DescribeSecret). */
export async function formatResponse(command: string, response: unknown, o: OutputOptions): Promise<string> {
  const data = applyQuery(response, o.query);
  switch (o.format) {
    case 'json':
      return isEmptyObject(data) ? '' : json(data);
    case 'text':
      return formatText(data);
    case 'table': {
      const colored = o.color === 'on' || (o.color === 'auto' && o.isTty);
      return formatTable(command, data, { width: o.width, styler: colored ? COLOR : PLAIN });
    }
    case 'yaml':
      return isEmptyObject(data) ? '' : (await yaml()).formatYaml(data);
    case 'yaml-stream':
      return isEmptyObject(data) ? '' : (await yaml()).formatYamlStream([data]);
  }
}

/** The text for a paged response. */
export async function formatPaged(command: string, paged: PagedResponse, o: OutputOptions): Promise<string> {
  if (o.format === 'text') {
    let out = paged.pages.map((p) => formatText(applyQuery(p, o.query))).join('');
    if (paged.resumeToken !== undefined) out += formatText(applyQuery({ NextToken: { NextToken: paged.resumeToken } }, o.query));
    return out;
  }
  if (o.format === 'yaml-stream') {
    const { formatYamlStream } = await yaml();
    return paged.pages.map((p) => formatYamlStream([applyQuery(p, o.query)])).join('');
  }
  return formatResponse(command, paged.aggregate, o);
}
