/**
 * One error hierarchy for the whole project. Every error has a stable `code` that callers and tests
 * match on, says whether retrying can help, and carries the context a user needs to find the
 * problem (connector, view, field, key, file position). Messages never contain secrets.
 */

export interface ErrorContext {
  connector?: string;
  view?: string;
  index?: string;
  table?: string;
  field?: string;
  column?: string;
  /** The clause a failing expression belongs to (WHERE, HAVING, JOIN ON, ...) when it is not a column's. */
  clause?: string;
  /** The row an expression failed on, as `{name: value, ...}` cut short. */
  row?: string;
  /** The record's key as JSON text, e.g. `{"id":1,"sort":"a"}`. */
  key?: string;
  file?: string;
  line?: number;
  col?: number;
}

export interface DynaviewErrorOptions {
  retriable?: boolean;
  context?: ErrorContext;
  cause?: unknown;
}

/** The plain-data form of an error, for crossing worker-thread boundaries and for JSON output. */
export interface SerializedError {
  code: string;
  message: string;
  retriable: boolean;
  context: ErrorContext;
}

export class DynaviewError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly context: ErrorContext;

  constructor(code: string, message: string, options: DynaviewErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }

  toJSON(): SerializedError {
    return { code: this.code, message: this.message, retriable: this.retriable, context: this.context };
  }

  static fromJSON(data: SerializedError): DynaviewError {
    return new DynaviewError(data.code, data.message, { retriable: data.retriable, context: data.context });
  }
}

export interface ConfigProblem {
  /** Dotted path of the offending field, e.g. `batch_size`. Empty for whole-object problems. */
  field: string;
  message: string;
}

/** Invalid configuration: lists every problem found, one line each. */
export class ConfigError extends DynaviewError {
  readonly problems: readonly ConfigProblem[];

  constructor(subject: string, problems: readonly ConfigProblem[], context: ErrorContext = {}) {
    const lines = problems.map((p) => (p.field ? `  - ${p.field}: ${p.message}` : `  - ${p.message}`));
    super('CONFIG_INVALID', `invalid configuration for ${subject}:\n${lines.join('\n')}`, { context });
    this.problems = problems;
  }
}

/** An SQL type text that cannot be parsed or resolved. */
export class SqlTypeError extends DynaviewError {
  constructor(message: string, context: ErrorContext = {}) {
    super('SQL_TYPE_INVALID', message, { context });
  }
}

/** A value that cannot be represented in DynamoDB (NaN, out-of-range number, NULL key, ...). */
export class InvalidValueError extends DynaviewError {
  constructor(message: string, context: ErrorContext = {}) {
    super('DYNAMODB_INVALID_VALUE', message, { context });
  }
}

/** The connector cannot start: the table is missing, its key schema does not match, the endpoint is down. */
export class SchemaMismatchError extends DynaviewError {
  constructor(message: string, context: ErrorContext = {}) {
    super('DYNAMODB_KEY_SCHEMA_MISMATCH', message, { context });
  }
}

export class TableNotFoundError extends DynaviewError {
  constructor(message: string, context: ErrorContext = {}) {
    super('DYNAMODB_TABLE_NOT_FOUND', message, { context });
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export interface SourceLocation {
  file?: string;
  line: number;
  col: number;
}

/**
 * A problem in a SQL program, reported at its position as `file:line:col: message`. Codes:
 * SQL_SYNTAX_ERROR (cannot be parsed), SQL_NOT_SUPPORTED (valid SQL that dynaview does not run
 * yet), SQL_INVALID (parses, but names an unknown table, column, type, ... or mixes types).
 */
/**
 * A problem that only repeats an earlier one: a view reading a table whose statement failed, an
 * index on such a view. It stops the statement like any problem but is never reported.
 */
export class FollowOnProblem extends DynaviewError {
  constructor(what: string) {
    super('SQL_FOLLOW_ON', `${what} failed to compile earlier`);
  }
}

export class SqlError extends DynaviewError {
  /** The message without its position. */
  readonly detail: string;
  readonly location: SourceLocation;

  constructor(code: 'SQL_SYNTAX_ERROR' | 'SQL_NOT_SUPPORTED' | 'SQL_INVALID', message: string, at: SourceLocation, context: ErrorContext = {}) {
    super(code, `${at.file ?? '<program>'}:${at.line}:${at.col}: ${message}`, {
      context: { ...context, ...(at.file === undefined ? {} : { file: at.file }), line: at.line, col: at.col },
    });
    this.detail = message;
    this.location = at;
  }
}
