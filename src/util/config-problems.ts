/**
 * Helpers for reporting every problem of a connector configuration at once: a problem list that
 * keeps the first problem per field, "did you mean" suggestions for misspelt names, and previews
 * of offending values. The same rules as the DynamoDB output connector's configuration.
 */
import type { z } from 'zod';
import { ConfigError, type ConfigProblem, type ErrorContext } from '../errors.js';
import { closestName } from './closest-name.js';

/** One problem per field: the first rule a field breaks is the one worth fixing first. */
export class ConfigProblems {
  private readonly byField = new Map<string, ConfigProblem>();

  add(field: string, message: string): void {
    if (!this.byField.has(field)) this.byField.set(field, { field, message });
  }

  get size(): number {
    return this.byField.size;
  }

  list(): ConfigProblem[] {
    return [...this.byField.values()];
  }

  /** Throws a ConfigError listing every problem, if there is any. */
  throwIfAny(subject: string, context: ErrorContext = {}): void {
    if (this.byField.size > 0) throw new ConfigError(subject, this.list(), context);
  }
}

/**
 * Checks an object of options against a strict zod object schema. Every problem is added under
 * `path` (unknown options with a "did you mean" over the known ones, named `what`; others as the
 * schema's message plus the offending value), and the options that are valid are returned, so that
 * callers can go on checking what depends on them. Undefined when `raw` is not an object at all.
 */
export function parseOptions<S extends z.ZodObject>(
  schema: S,
  raw: unknown,
  path: readonly PropertyKey[],
  what: string,
  problems: ConfigProblems,
): Partial<z.output<S>> | undefined {
  if (!isPlainObject(raw)) {
    problems.add(formatPath(path), `must be an object of options (got ${showValue(raw)})`);
    return undefined;
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const names = Object.keys(schema.shape);
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.add(formatPath([...path, key]), unknownNameMessage(key, names, what));
      continue;
    }
    const name = String(issue.path[0]);
    const value = raw[name];
    problems.add(formatPath([...path, name]), value === undefined ? issue.message : `${issue.message} (got ${showValue(value)})`);
  }
  const valid: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(schema.shape)) {
    const parsed = option.safeParse(raw[name]);
    if (parsed.success && parsed.data !== undefined) valid[name] = parsed.data;
  }
  return valid as Partial<z.output<S>>;
}

/** `plan.0.fields.id.range`: dotted, indexes included, as the pipeline maps fields back to JSON paths. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** "is not a X; did you mean Y?" or, without a close candidate, the list of valid names. */
export function unknownNameMessage(name: string, candidates: readonly string[], what: string): string {
  const suggestion = closestName(name, candidates);
  if (suggestion !== undefined) return `is not ${what}; did you mean ${suggestion}?`;
  return candidates.length === 0 ? `is not ${what}` : `is not ${what} (valid: ${candidates.join(', ')})`;
}

const MAX_SHOWN_VALUE_CHARS = 80;

/** A short JSON preview of a configuration value for messages. */
export function showValue(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? kindOf(value);
  return text.length > MAX_SHOWN_VALUE_CHARS ? `${text.slice(0, MAX_SHOWN_VALUE_CHARS - 3)}...` : text;
}

/** The kind of a value, never its content: for values that might be secrets. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' || type === 'undefined' ? type : `a ${type}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
