/**
 * DynamoDB's JSON protocol as the simulator speaks it: the wire form of attribute values, the
 * error types with their HTTP status and `__type` namespace (as DynamoDB Local sends them), and
 * the error that operations throw to answer a request with one of them.
 */

/** An attribute value as it travels in JSON: binary values stay base64 text, numbers stay strings. */
export interface WireValue {
  S?: string;
  N?: string;
  B?: string;
  SS?: string[];
  NS?: string[];
  BS?: string[];
  M?: WireItem;
  L?: WireValue[];
  NULL?: boolean;
  BOOL?: boolean;
}

export type WireItem = Record<string, WireValue>;

/** A parsed request body: any JSON object; operations check the fields they read. */
export type RequestBody = Record<string, unknown>;

export type ApiErrorType =
  | 'ValidationException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'ResourceNotFoundException'
  | 'ResourceInUseException'
  | 'ConditionalCheckFailedException'
  | 'ProvisionedThroughputExceededException'
  | 'TransactionCanceledException'
  | 'IdempotentParameterMismatchException'
  | 'InternalServerError'
  | 'ServiceUnavailable';

export type CancellationCode = 'None' | 'ConditionalCheckFailed' | 'ThrottlingError' | 'ValidationError';

export interface CancellationReason {
  Code: CancellationCode;
  Message?: string;
  Item?: WireItem;
}

/** A request answered with a DynamoDB error instead of a result. */
export class ApiError extends Error {
  constructor(
    readonly type: ApiErrorType,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = type;
  }

  get status(): number {
    return httpStatusOf(this.type);
  }

  /** The response body, with the `__type` namespace the SDK and DynamoDB Local use. */
  toBody(): string {
    return JSON.stringify({ __type: `${namespaceOf(this.type)}#${this.type}`, message: this.message, ...this.extra });
  }
}

export function validationError(message: string): ApiError {
  return new ApiError('ValidationException', message);
}

export function tableNotFound(): ApiError {
  return new ApiError('ResourceNotFoundException', 'Cannot do operations on a non-existent table');
}

export function throughputExceeded(): ApiError {
  return new ApiError('ProvisionedThroughputExceededException',
    'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.');
}

/** The message lists every reason code in request order, as DynamoDB's does. */
export function transactionCanceled(reasons: CancellationReason[]): ApiError {
  return new ApiError('TransactionCanceledException',
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    { CancellationReasons: reasons });
}

function httpStatusOf(type: ApiErrorType): number {
  switch (type) {
    case 'InternalServerError': return 500;
    case 'ServiceUnavailable': return 503;
    case 'ValidationException':
    case 'SerializationException':
    case 'UnknownOperationException':
    case 'ResourceNotFoundException':
    case 'ResourceInUseException':
    case 'ConditionalCheckFailedException':
    case 'ProvisionedThroughputExceededException':
    case 'TransactionCanceledException':
    case 'IdempotentParameterMismatchException':
      return 400;
    default: {
      const unknown: never = type;
      throw new Error(`unknown error type ${String(unknown)}`);
    }
  }
}

function namespaceOf(type: ApiErrorType): string {
  switch (type) {
    case 'ValidationException': return 'com.amazon.coral.validate';
    case 'SerializationException':
    case 'UnknownOperationException':
      return 'com.amazon.coral.service';
    case 'ResourceNotFoundException':
    case 'ResourceInUseException':
    case 'ConditionalCheckFailedException':
    case 'ProvisionedThroughputExceededException':
    case 'TransactionCanceledException':
    case 'IdempotentParameterMismatchException':
    case 'InternalServerError':
    case 'ServiceUnavailable':
      return 'com.amazonaws.dynamodb.v20120810';
    default: {
      const unknown: never = type;
      throw new Error(`unknown error type ${String(unknown)}`);
    }
  }
}
