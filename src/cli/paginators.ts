/**
 * Paginator configurations (botocore paginators-1.json for secretsmanager has ListSecrets only; Rotor also
 * pages ListSecretVersionIds and BatchGetSecretValue, which follow the same NextToken/MaxResults scheme).
 */
import type { OperationName } from '../api/model.js';

export interface PaginatorConfig {
  inputToken: string;
  outputToken: string;
  limitKey: string | undefined;
  /** The first is the primary key (what --max-items counts). */
  resultKeys: readonly string[];
  /** Taken from the first page and kept in the aggregated result. */
  nonAggregateKeys?: readonly string[];
}

const PAGINATORS: Partial<Record<OperationName, PaginatorConfig>> = {
  ListSecrets: { inputToken: 'NextToken', outputToken: 'NextToken', limitKey: 'MaxResults', resultKeys: ['SecretList'] },
  ListSecretVersionIds: { inputToken: 'NextToken', outputToken: 'NextToken', limitKey: 'MaxResults', resultKeys: ['Versions'], nonAggregateKeys: ['ARN', 'Name'] },
  BatchGetSecretValue: { inputToken: 'NextToken', outputToken: 'NextToken', limitKey: 'MaxResults', resultKeys: ['SecretValues', 'Errors'] },
};

export function paginatorFor(op: OperationName): PaginatorConfig | undefined {
  return PAGINATORS[op];
}
