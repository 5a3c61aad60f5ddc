/**
 * Errors raised while evaluating an expression on one row (overflow, division by zero, text that
 * does not parse). The engine reports them per row; the message names the operation and value.
 */
import { DynaviewError } from '../errors.js';

export const SQL_RUNTIME_ERROR = 'SQL_RUNTIME_ERROR';

const MAX_VALUE_PREVIEW = 60;

export function sqlRuntimeError(message: string): DynaviewError {
  return new DynaviewError(SQL_RUNTIME_ERROR, message);
}

/** A string value for a message: quoted, and cut short when long. */
export function quoteText(text: string): string {
  const shown = text.length <= MAX_VALUE_PREVIEW ? text : `${text.slice(0, MAX_VALUE_PREVIEW - 3)}...`;
  return `'${shown.replaceAll("'", "''")}'`;
}
