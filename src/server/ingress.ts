/**
 * `POST /ingress/{table}`: Feldera's push of data into a table. The query names the format
 * (`format`, Feldera's default `csv`) and its options (for JSON `update_format`, `array`,
 * `json_flavor`, `lines`; for CSV the CSV format's options); the body streams into the table's
 * ingress. The answer is a completion token, or, when some records could not be read, a 400
 * listing them while every record that could be read is still ingested.
 */
import type { IncomingMessage } from 'node:http';
import { INGRESS_STOPPED, type HttpIngress } from '../connectors/inputs/http/http-ingress.js';
import { DynaviewError } from '../errors.js';
import type { InputFormat } from '../connectors/formats/format.js';
import { parseInputFormat } from '../connectors/formats/registry.js';
import type { InputRecordError } from '../connectors/formats/record-error.js';
import { ConfigProblems } from '../util/config-problems.js';
import { ApiError } from './api-error.js';
import { encodeToken, RUN_ID } from './completion-token.js';

/** Feldera reports at most this many parse errors in one answer. */
const MAX_REPORTED_ERRORS = 1_000;

/** Query parameters the endpoint itself reads; every other one is a format option. */
const ENDPOINT_PARAMETERS = new Set(['format', 'force']);

export interface IngressAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Ingests `request`'s body into `ingress` and returns the answer to send. */
export async function ingest(request: IncomingMessage, ingress: HttpIngress, query: URLSearchParams): Promise<IngressAnswer> {
  const format = formatOf(query);
  let result;
  try {
    result = await ingress.ingest(request, format, `POST /ingress/${ingress.table}`, MAX_REPORTED_ERRORS);
  } catch (error) {
    if (error instanceof DynaviewError && error.code === INGRESS_STOPPED) throw new ApiError(410, 'Terminating', error.message);
    throw error;
  }
  const token = encodeToken({ run: RUN_ID, table: ingress.table, pushes: result.completion });
  const numErrors = result.errors.length + result.moreErrors;
  if (numErrors === 0) return { status: 200, body: { token } };
  return {
    status: 400,
    body: {
      message: `Errors parsing input data (${numErrors} error${numErrors === 1 ? '' : 's'}); ${result.rows} change(s) that could be read were ingested:\n`
        + result.errors.slice(0, 10).map((error) => error.message).join('\n'),
      error_code: 'ParseErrors',
      details: { num_errors: numErrors, errors: result.errors.map(describeError), token },
    },
  };
}

/** The validated format of the request's query; a 400 naming every problem otherwise. */
function formatOf(query: URLSearchParams): InputFormat {
  const name = query.get('format') ?? 'csv';
  const config: Record<string, unknown> = {};
  for (const [key, text] of query) {
    if (ENDPOINT_PARAMETERS.has(key)) continue;
    config[key] = parameterValue(text);
  }
  const problems = new ConfigProblems();
  const format = parseInputFormat({ name, config }, problems);
  const list = problems.list();
  if (list.length > 0) {
    const message = list.map((problem) => `${problem.field.replace(/^format\.config\./, '').replace(/^format\.name$/, 'format')}: ${problem.message}`).join('; ');
    throw new ApiError(400, 'InvalidParserConfig', `invalid format in the query: ${message}`);
  }
  return format;
}

/** Query values are text; the format options take booleans and numbers too. */
function parameterValue(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text;
}

/** A skipped record as Feldera's ParseError lists it, with where it is. */
function describeError(error: InputRecordError): Record<string, unknown> {
  const { line, col, column, field } = error.context;
  return {
    description: error.reason,
    event_number: error.record,
    ...(error.event === undefined ? {} : { event_in_array: error.event }),
    line,
    column: col,
    ...(column === undefined ? {} : { field: field ?? column }),
    error_code: error.code,
  };
}
