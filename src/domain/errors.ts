/**
 * Every error Rotor sends on the wire is one of these classes. Each carries its AWS `__type` code and HTTP
 * status, so one serializer (api/protocol.ts) handles them all. Codes and statuses follow the Secrets
 * Manager model (secretsmanager-2017-10-17) plus the generic AWS JSON 1.1 protocol errors that real
 * clients expect (spec §1.3). docs/errors.md is kept in step with ERROR_CODES by a test.
 */

export const ERROR_CODES = {
  // Modelled Secrets Manager errors.
  ResourceNotFoundException: 400,
  InvalidParameterException: 400,
  InvalidRequestException: 400,
  ResourceExistsException: 400,
  LimitExceededException: 400,
  EncryptionFailure: 400,
  DecryptionFailure: 400,
  MalformedPolicyDocumentException: 400,
  PublicPolicyException: 400,
  PreconditionNotMetException: 400,
  InvalidNextTokenException: 400,
  InternalServiceError: 500,
  // Generic AWS JSON-protocol errors.
  ValidationException: 400,
  AccessDeniedException: 400,
  ThrottlingException: 400,
  SerializationException: 400,
  UnknownOperationException: 400,
  MissingAuthenticationTokenException: 403,
  IncompleteSignatureException: 403,
  InvalidSignatureException: 403,
  UnrecognizedClientException: 403,
  ExpiredTokenException: 403,
  SignatureDoesNotMatchException: 403,
  RequestEntityTooLargeException: 413,
  NotFoundException: 404,
  MethodNotAllowedException: 405,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AwsError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
    this.status = ERROR_CODES[code];
    this.name = code;
  }
}

/** Factories, one per code, so call sites read like the catalogue in spec §14. */
export const err = {
  notFound: (message = "Secrets Manager can't find the specified secret.") =>
    new AwsError('ResourceNotFoundException', message),
  invalidParameter: (message: string) => new AwsError('InvalidParameterException', message),
  invalidRequest: (message: string) => new AwsError('InvalidRequestException', message),
  exists: (message: string) => new AwsError('ResourceExistsException', message),
  limit: (message: string) => new AwsError('LimitExceededException', message),
  validation: (message: string) => new AwsError('ValidationException', message),
  serialization: (message: string) => new AwsError('SerializationException', message),
  invalidNextToken: (message = 'The NextToken value is invalid.') =>
    new AwsError('InvalidNextTokenException', message),
  accessDenied: (message: string) => new AwsError('AccessDeniedException', message),
  internal: (message: string) => new AwsError('InternalServiceError', message),
  decryption: (message: string) => new AwsError('DecryptionFailure', message),
  encryption: (message: string) => new AwsError('EncryptionFailure', message),
};

/** Literal messages of spec §14 that several places use. */
export const MSG = {
  markedForDeletion: "You can't perform this operation on the secret because it was marked for deletion.",
  scheduledForDeletionCreate:
    "You can't create this secret because a secret with this name is already scheduled for deletion.",
  missingToken: 'You must provide a ClientRequestToken value. We recommend a UUID-type value.',
  invalidName:
    'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
  versionStageMismatch: 'You provided a VersionStage that is not associated to the provided VersionId.',
  noValueForStage: (stage: string) =>
    `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
  noValueForVersion: (id: string) => `Secrets Manager can't find the specified secret value for VersionId: ${id}`,
  versionDeleted: (id: string) => `You can't perform this operation on secret version ${id} because it was deleted.`,
  secretExists: (name: string) => `The operation failed because the secret ${name} already exists.`,
  tokenInUse: (token: string, arn: string) =>
    `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${arn}.`,
  bothValues: "You can't specify both a binary secret value and a string secret value in the same secret.",
} as const;
