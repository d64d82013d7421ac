import { err } from '../../domain/errors.js';
import type { Operation } from '../operation.js';

/** Not implemented yet: answered with a clear error instead of pretending (see its issue). */
export const replicateSecretToRegions: Operation = {
  name: 'ReplicateSecretToRegions',
  action: 'secretsmanager:ReplicateSecretToRegions',
  async handle() {
    throw err.invalidRequest('ReplicateSecretToRegions is not supported by this Rotor server yet.');
  },
};
