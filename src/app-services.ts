/** The services an operation may use; built in app.ts, the only place that wires the pieces together. */
import type { SecretsService } from './service/secrets.js';
import type { Kms } from './service/kms.js';
import type { CredentialService } from './auth/credentials.js';
import type { RotationService } from './service/rotation.js';
import type { Store } from './store/store.js';
import type { AuthorizationService } from './service/authorization.js';

export interface Services {
  secrets: SecretsService;
  kms: Kms;
  credentials: CredentialService;
  rotation: RotationService;
  authz: AuthorizationService;
  events: Pick<Store, 'appendEvent'> & { list: Store['listEvents'] };
}
