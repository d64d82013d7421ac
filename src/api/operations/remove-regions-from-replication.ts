import { err } from '../../domain/errors.js';
import type { Operation } from '../operation.js';

/** Not implemented yet: answered with a clear error instead of pretending (see its issue). */
export const removeRegionsFromReplication: Operation = {
  name: 'RemoveRegionsFromReplication',
  action: 'secretsmanager:RemoveRegionsFromReplication',
  async handle() {
    throw err.invalidRequest('RemoveRegionsFromReplication is not supported by this Rotor server yet.');
  },
};
