import type { PasswordOptions } from '../../domain/password.js';
import { typed, type Operation } from '../operation.js';

export const getRandomPassword: Operation = {
  name: 'GetRandomPassword',
  action: 'secretsmanager:GetRandomPassword',
  async handle(ctx, raw) {
    return { RandomPassword: ctx.services.secrets.getRandomPassword(typed<PasswordOptions>(raw)) };
  },
};
