/** The values of --output. */
export const OUTPUT_FORMATS = ['json', 'text', 'table', 'yaml', 'yaml-stream'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
