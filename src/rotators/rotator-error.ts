/**
 * A rotation step failure worded for the person who has to fix it (a DBA, an operator): it becomes the
 * InvokeResult's errorMessage and so the rotation history's error. Never carries a secret value.
 */
export class RotatorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RotatorError';
  }
}
