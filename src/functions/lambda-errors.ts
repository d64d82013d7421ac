/**
 * Errors of the Lambda REST API subset. Lambda is a REST-JSON service: the code travels in the
 * `x-amzn-ErrorType` header and the body is `{"Type":"User","message":"…"}` (lower-case `message`, as Lambda
 * sends it; the SDKs read either case). Statuses follow the Lambda API reference (2015-03-31).
 */
export const LAMBDA_ERROR_STATUS = {
  InvalidParameterValueException: 400,
  InvalidRequestContentException: 400,
  CodeStorageExceededException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  UnknownOperationException: 404,
  ResourceConflictException: 409,
  PreconditionFailedException: 412,
  RequestTooLargeException: 413,
  UnsupportedMediaTypeException: 415,
  TooManyRequestsException: 429,
  ServiceException: 500,
} as const;

export type LambdaErrorCode = keyof typeof LAMBDA_ERROR_STATUS;

export class LambdaError extends Error {
  readonly code: LambdaErrorCode;
  readonly status: number;
  constructor(code: LambdaErrorCode, message: string) {
    super(message);
    this.code = code;
    this.status = LAMBDA_ERROR_STATUS[code];
    this.name = code;
  }
  /** Lambda marks client faults `User` and its own `Service`. */
  get type(): 'User' | 'Service' {
    return this.status >= 500 ? 'Service' : 'User';
  }
}

/** Factories, so call sites read like Lambda's messages. */
export const lambdaErr = {
  invalidParameter: (message: string) => new LambdaError('InvalidParameterValueException', message),
  invalidContent: (message: string) => new LambdaError('InvalidRequestContentException', message),
  functionNotFound: (arn: string) => new LambdaError('ResourceNotFoundException', `Function not found: ${arn}`),
  notFound: (message = 'The resource you requested does not exist.') =>
    new LambdaError('ResourceNotFoundException', message),
  functionExists: (name: string) => new LambdaError('ResourceConflictException', `Function already exist: ${name}`),
  conflict: (message: string) => new LambdaError('ResourceConflictException', message),
  precondition: () =>
    new LambdaError(
      'PreconditionFailedException',
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    ),
  tooLarge: (message: string) => new LambdaError('RequestTooLargeException', message),
  accessDenied: (message: string) => new LambdaError('AccessDeniedException', message),
  unknownOperation: () => new LambdaError('UnknownOperationException', 'Unknown operation'),
};
