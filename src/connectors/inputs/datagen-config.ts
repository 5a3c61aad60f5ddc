/**
 * The `datagen` transport configuration (Feldera's DatagenInputConfig, GenerationPlan and
 * RngFieldSettings): shapes checked level by level with zod, unknown fields rejected with a
 * "did you mean", plan fields resolved to table columns like SQL identifiers. Every problem is
 * collected; whether a setting suits its column's type is checked in `datagen-values.ts`.
 */
import { z } from 'zod';
import { ConfigProblems, formatPath, parseOptions, showValue, unknownNameMessage } from '../../util/config-problems.js';
import { TEXT_STRATEGIES, type TextStrategy } from './datagen-text.js';

export type Strategy = 'increment' | 'uniform' | 'zipf' | TextStrategy;

export interface FieldSettings {
  readonly strategy: Strategy;
  /** Percentage of NULLs, 0 to 100. */
  readonly nullPercentage: number | undefined;
  /** `[min, max)` as written; its meaning depends on the column's type. */
  readonly range: readonly [unknown, unknown] | undefined;
  readonly scale: number;
  /** Zipf exponent. */
  readonly e: number;
  readonly values: readonly unknown[] | undefined;
  /** Settings of struct fields by the name written in the configuration. */
  readonly fields: ReadonlyMap<string, FieldSettings>;
  /** Settings of MAP keys (unused: like Feldera, datagen MAPs are always empty). */
  readonly key: FieldSettings | undefined;
  /** Settings of ARRAY elements, binary bytes and MAP values. */
  readonly value: FieldSettings | undefined;
}

/** Settings for one column, with the name the configuration gave it (for problem paths). */
export interface ColumnSettings {
  readonly key: string;
  readonly settings: FieldSettings;
}

export interface GenerationPlan {
  /** Rows per second; undefined for as fast as possible. */
  readonly rate: number | undefined;
  /** Rows to generate; undefined for no end. */
  readonly limit: number | undefined;
  readonly workerChunkSize: number;
  /** Settings by canonical column name. */
  readonly fields: ReadonlyMap<string, ColumnSettings>;
}

export interface DatagenConfig {
  readonly plans: readonly GenerationPlan[];
  readonly workers: number;
  /** Undefined: a random seed per run. */
  readonly seed: bigint | undefined;
  /** Accepted for compatibility; dynaview ingests datagen rows as they come. */
  readonly transactionSize: number | undefined;
}

export const DEFAULT_FIELD_SETTINGS: FieldSettings = {
  strategy: 'increment', nullPercentage: undefined, range: undefined, scale: 1, e: 1,
  values: undefined, fields: new Map(), key: undefined, value: undefined,
};

// Feldera: records are pushed in buffers of min(rate, 10 000), and that is the default chunk.
export const MAX_BATCH_ROWS = 10_000;
const MAX_WORKERS = 256;
const MAX_RATE = 2 ** 32 - 1;
const MAX_SEED = 2n ** 64n - 1n;

const STRATEGIES: readonly Strategy[] = ['increment', 'uniform', 'zipf', ...(Object.keys(TEXT_STRATEGIES) as TextStrategy[])];

const RULES = {
  plan: 'must be a list of generation plans',
  workers: `must be an integer from 1 to ${MAX_WORKERS}`,
  seed: `must be an integer from 0 to ${MAX_SEED}, or null for a random seed`,
  transaction_size: 'must be an integer of at least 1, or null',
  rate: `must be an integer from 1 to ${MAX_RATE} (rows per second), or null for no limit`,
  limit: 'must be an integer of at least 0, or null for no limit',
  worker_chunk_size: 'must be an integer of at least 1, or null for the default min(rate, 10000)',
  fields: 'must be an object of generator settings by column or field name',
  null_percentage: 'must be an integer from 0 to 100, or null',
  strategy: 'must be a datagen strategy name',
  range: 'must be a pair [min, max], or null',
  scale: 'must be an integer',
  e: 'must be an integer of at least 0 (the Zipf exponent)',
  values: 'must be a non-empty list of values, or null',
} as const;

const rule = (name: keyof typeof RULES): { error: string } => ({ error: RULES[name] });
const nullableInt = (name: keyof typeof RULES, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.int(rule(name)).min(min, rule(name)).max(max, rule(name)).nullish();

const CONFIG_SHAPE = z.strictObject({
  plan: z.array(z.unknown(), rule('plan')).optional(),
  workers: z.int(rule('workers')).min(1, rule('workers')).max(MAX_WORKERS, rule('workers')).optional(),
  // Seeds beyond 2^53 arrive as inexact numbers from plain JSON; any integer is a usable seed.
  seed: z.union([z.number().refine((n) => Number.isInteger(n) && n >= 0 && n <= Number(MAX_SEED)), z.bigint().min(0n).max(MAX_SEED)], rule('seed')).nullish(),
  transaction_size: nullableInt('transaction_size', 1),
});

const PLAN_SHAPE = z.strictObject({
  rate: nullableInt('rate', 1, MAX_RATE),
  limit: nullableInt('limit', 0),
  worker_chunk_size: nullableInt('worker_chunk_size', 1),
  fields: z.record(z.string(), z.unknown(), rule('fields')).optional(),
});

const FIELD_SHAPE = z.strictObject({
  null_percentage: nullableInt('null_percentage', 0, 100),
  strategy: z.string(rule('strategy')).optional(),
  range: z.unknown().optional(),
  scale: z.int(rule('scale')).optional(),
  e: z.int(rule('e')).min(0, rule('e')).optional(),
  values: z.array(z.unknown(), rule('values')).min(1, rule('values')).nullish(),
  fields: z.record(z.string(), z.unknown(), rule('fields')).nullish(),
  key: z.unknown().optional(),
  value: z.unknown().optional(),
});

/**
 * Parses the transport config; problems go to `problems` (field paths like `plan.0.fields.id.range`).
 * Valid parts are returned even when others are not, so that one run finds every problem.
 */
export function parseDatagenConfig(raw: unknown, columnNames: readonly string[], problems: ConfigProblems): DatagenConfig {
  const config = parseOptions(CONFIG_SHAPE, raw ?? {}, [], 'a datagen option', problems);
  const rawPlans = config?.plan ?? [{}];
  const plans = rawPlans.map((plan, i) => parsePlan(plan, ['plan', i], columnNames, problems));
  const seed = config?.seed;
  return {
    plans,
    workers: config?.workers ?? 1,
    seed: seed === null || seed === undefined ? undefined : BigInt(seed),
    transactionSize: config?.transaction_size ?? undefined,
  };
}

/** A plan; one that is not even an object is reported and read as the default plan. */
function parsePlan(raw: unknown, path: readonly PropertyKey[], columnNames: readonly string[], problems: ConfigProblems): GenerationPlan {
  const plan = parseOptions(PLAN_SHAPE, raw, path, 'a generation plan option', problems) ?? {};
  const rate = plan.rate ?? undefined;
  const fields = new Map<string, ColumnSettings>();
  for (const [key, raw] of Object.entries(plan.fields ?? {})) {
    const fieldPath = [...path, 'fields', key];
    const settings = parseFieldSettings(raw, fieldPath, problems);
    const column = resolveName(key, columnNames, fields, fieldPath, 'a column of the table', problems);
    if (column !== undefined && settings !== undefined) fields.set(column, { key, settings });
  }
  return {
    rate,
    limit: plan.limit ?? undefined,
    workerChunkSize: plan.worker_chunk_size ?? Math.min(rate ?? Infinity, MAX_BATCH_ROWS),
    fields,
  };
}

/** Settings of one column, struct field, element or key; undefined when they are malformed. */
function parseFieldSettings(raw: unknown, path: readonly PropertyKey[], problems: ConfigProblems): FieldSettings | undefined {
  const settings = parseOptions(FIELD_SHAPE, raw, path, 'a datagen field setting', problems);
  if (settings === undefined) return undefined;
  const range = settings.range ?? undefined;
  if (range !== undefined && !(Array.isArray(range) && range.length === 2)) {
    problems.add(formatPath([...path, 'range']), `${RULES.range} (got ${showValue(range)})`);
  }
  const nested = new Map<string, FieldSettings>();
  for (const [name, fieldRaw] of Object.entries(settings.fields ?? {})) {
    const parsed = parseFieldSettings(fieldRaw, [...path, 'fields', name], problems);
    if (parsed !== undefined) nested.set(name, parsed);
  }
  const child = (name: 'key' | 'value'): FieldSettings | undefined =>
    settings[name] === undefined || settings[name] === null ? undefined : parseFieldSettings(settings[name], [...path, name], problems);
  return {
    strategy: strategyOf(settings.strategy, [...path, 'strategy'], problems),
    nullPercentage: settings.null_percentage ?? undefined,
    range: Array.isArray(range) && range.length === 2 ? [range[0], range[1]] : undefined,
    scale: settings.scale ?? 1,
    e: settings.e ?? 1,
    values: settings.values ?? undefined,
    fields: nested,
    key: child('key'),
    value: child('value'),
  };
}

/**
 * The name among `names` that `key` refers to, or undefined after reporting an unknown name (with
 * a suggestion) or a second key for a name already in `taken`.
 */
export function resolveName(
  key: string,
  names: readonly string[],
  taken: ReadonlyMap<string, unknown>,
  path: readonly PropertyKey[],
  what: string,
  problems: ConfigProblems,
): string | undefined {
  const name = matchIdentifier(key, names);
  if (name === undefined) problems.add(formatPath(path), unknownNameMessage(key, names, what));
  else if (taken.has(name)) problems.add(formatPath(path), `names ${name} a second time`);
  else return name;
  return undefined;
}

/**
 * The name among `names` that a configuration key refers to, as SQL identifiers match: `"Name"`
 * in double quotes matches exactly; a bare key matches exactly or, for names without upper-case
 * letters (unquoted in SQL), case-insensitively.
 */
function matchIdentifier(key: string, names: readonly string[]): string | undefined {
  if (key.length >= 2 && key.startsWith('"') && key.endsWith('"')) {
    const quoted = key.slice(1, -1).replaceAll('""', '"');
    return names.find((name) => name === quoted);
  }
  const folded = key.toLowerCase();
  return names.find((name) => name === key) ?? names.find((name) => name === folded);
}

function strategyOf(name: string | undefined, path: readonly PropertyKey[], problems: ConfigProblems): Strategy {
  if (name === undefined) return 'increment';
  const strategy = STRATEGIES.find((known) => known === name);
  if (strategy === undefined) problems.add(formatPath(path), `"${name}" ${unknownNameMessage(name, STRATEGIES, 'a datagen strategy')}`);
  return strategy ?? 'increment';
}
