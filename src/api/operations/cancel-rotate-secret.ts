import { err } from '../../domain/errors.js';
import type { Operation } from '../operation.js';

/** Not implemented yet: answered with a clear error instead of pretending (see its issue). */
export const cancelRotateSecret: Operation = {
  name: 'CancelRotateSecret',
  action: 'secretsmanager:CancelRotateSecret',
  async handle() {
    throw err.invalidRequest('CancelRotateSecret is not supported by this Rotor server yet.');
  },
};
