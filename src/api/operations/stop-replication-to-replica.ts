import { err } from '../../domain/errors.js';
import type { Operation } from '../operation.js';

/** Not implemented yet: answered with a clear error instead of pretending (see its issue). */
export const stopReplicationToReplica: Operation = {
  name: 'StopReplicationToReplica',
  action: 'secretsmanager:StopReplicationToReplica',
  async handle() {
    throw err.invalidRequest('StopReplicationToReplica is not supported by this Rotor server yet.');
  },
};
