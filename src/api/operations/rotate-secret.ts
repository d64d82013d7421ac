import { err } from '../../domain/errors.js';
import type { Operation } from '../operation.js';

/** Not implemented yet: answered with a clear error instead of pretending (see its issue). */
export const rotateSecret: Operation = {
  name: 'RotateSecret',
  action: 'secretsmanager:RotateSecret',
  async handle() {
    throw err.invalidRequest('RotateSecret is not supported by this Rotor server yet.');
  },
};
