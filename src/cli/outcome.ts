/**
 * How a command ends: exit code 2 when the program or a connector configuration is invalid
 * (fix the input), 1 when running it failed (fix the environment or retry), 0 otherwise.
 */
import { DynaviewError } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_RUNTIME_FAILURE = 1;
export const EXIT_INVALID = 2;

/** Errors that mean the program or its configuration must change, even when found at run time. */
const INVALID_INPUT_CODES = new Set([
  'CONFIG_INVALID', 'SQL_SYNTAX_ERROR', 'SQL_NOT_SUPPORTED', 'SQL_INVALID', 'SQL_TYPE_INVALID',
  'DYNAMODB_INDEX_INVALID', 'DYNAMODB_KEY_SCHEMA_MISMATCH', 'DYNAMODB_TABLE_NOT_FOUND', 'PROGRAM_UNREADABLE',
  'STATE_DIR_PROGRAM_MISMATCH', 'STATE_DIR_INVALID',
]);

/** True when the error means the program or its configuration must change, false when the environment must. */
export function isInvalidInput(error: DynaviewError): boolean {
  return INVALID_INPUT_CODES.has(error.code);
}

/**
 * Every problem `check` or `run` found before running. The exit code is 2, or 1 when the only
 * problems are runtime failures (`check --describe` could not reach DynamoDB or was refused).
 */
export class ProgramInvalid extends Error {
  readonly exitCode: number;
  constructor(readonly problems: readonly DynaviewError[]) {
    super(problems.map((p) => p.message).join('\n'));
    this.exitCode = problems.every((p) => !isInvalidInput(p)) ? EXIT_RUNTIME_FAILURE : EXIT_INVALID;
  }
}

export class RunFailed extends Error {
  constructor(readonly error: DynaviewError, readonly exitCode = EXIT_RUNTIME_FAILURE) {
    super(error.message);
  }

  static from(error: unknown): RunFailed {
    if (error instanceof RunFailed) return error;
    if (error instanceof DynaviewError) {
      return new RunFailed(error, isInvalidInput(error) ? EXIT_INVALID : EXIT_RUNTIME_FAILURE);
    }
    throw error;
  }
}
