/**
 * Compiles datagen field settings into value generators, checking on the way that every setting
 * suits its column's type (strategy, range, values, null_percentage, nested fields), so that a
 * connector that starts cannot fail on its configuration later. Defaults are Feldera's: without
 * settings row `idx` gets `idx` (0, "0", 1970-01-01 + idx days, ...).
 */
import { coerceValue } from '../../engine/coerce.js';
import type { Tuple, Value } from '../../engine/value.js';
import { formatSqlType } from '../../sql/parse-type.js';
import type { SqlField } from '../../sql/sql-type.js';
import { errorMessage } from '../../errors.js';
import { formatPath, showValue, type ConfigProblems } from '../../util/config-problems.js';
import { DEFAULT_FIELD_SETTINGS, resolveName, type ColumnSettings } from './datagen-config.js';
import { checkNonEmpty, configProblem, incrementWithin, INVALID, type FieldContext, type ValueGenerator, unreachable } from './datagen-field.js';
import { booleanGenerator, decimalGenerator, floatGenerator, integerDomain, integerGenerator, rankDistribution, type NumericStrategy } from './datagen-numbers.js';
import { dateGenerator, timeGenerator, timestampGenerator } from './datagen-temporal.js';
import { alphanumeric, isTextStrategy, TEXT_STRATEGIES } from './datagen-text.js';
import type { RowRandom } from './random.js';

export type RowGenerator = (index: number, random: RowRandom) => Tuple;

/**
 * Generates whole rows (or struct values): every field from its settings, found by canonical
 * name, or from the defaults. `configPath` locates the settings map, `column` the struct.
 */
export function compileRowGenerator(
  fields: readonly SqlField[],
  settings: ReadonlyMap<string, ColumnSettings>,
  configPath: readonly PropertyKey[],
  problems: ConfigProblems,
  column = '',
): RowGenerator {
  const generators = fields.map((field) => {
    const given = settings.get(field.name);
    return compileValue({
      type: field.type,
      settings: given?.settings ?? DEFAULT_FIELD_SETTINGS,
      configPath: [...configPath, given?.key ?? field.name],
      column: column === '' ? field.name : `${column}.${field.name}`,
      problems,
    }, field.nullable);
  });
  return (index, random) => {
    const row: Record<string, Value> = {};
    for (let i = 0; i < fields.length; i++) setEntry(row, (fields[i] as SqlField).name, (generators[i] as ValueGenerator)(index, random));
    return row;
  };
}

function compileValue(context: FieldContext, nullable: boolean): ValueGenerator {
  const { type, settings } = context;
  // Feldera ignores every setting of MAP and VARIANT fields, and null_percentage of TIME fields.
  if (type.kind === 'map') return () => ({});
  if (type.kind === 'variant') return () => null;
  const generator = compileNonNull(context, nullable);
  const percentage = settings.nullPercentage;
  if (percentage === undefined || type.kind === 'time') return generator;
  if (!nullable) {
    configProblem(context, 'null_percentage', `cannot be used: ${context.column} is NOT NULL`);
    return INVALID;
  }
  return (index, random) => (1 + random.below(100) <= percentage ? null : generator(index, random));
}

function compileNonNull(context: FieldContext, nullable: boolean): ValueGenerator {
  const { type, settings } = context;
  const strategy = settings.strategy;
  const isString = type.kind === 'varchar' || type.kind === 'char';
  if (isTextStrategy(strategy)) {
    if (!isString) {
      configProblem(context, 'strategy', `"${strategy}" generates text and suits only VARCHAR and CHAR columns; ${context.column} is ${formatSqlType(type)}`);
      return INVALID;
    }
    return fitted(context, textGenerator(context, TEXT_STRATEGIES[strategy]));
  }
  if (settings.values !== undefined) return pickValue(context, strategy, settings.values, nullable);
  return compileType(context, strategy);
}

function compileType(context: FieldContext, strategy: NumericStrategy): ValueGenerator {
  const { type } = context;
  switch (type.kind) {
    case 'boolean':
      return booleanGenerator(context, strategy);
    case 'integer':
      return integerGenerator(context, strategy, integerDomain(type));
    case 'decimal':
      return decimalGenerator(context, strategy, type.precision, type.scale);
    case 'real':
      return floatGenerator(context, strategy, true);
    case 'double':
      return floatGenerator(context, strategy, false);
    case 'varchar':
    case 'char':
      return fitted(context, stringGenerator(context, strategy));
    case 'timestamp':
      return timestampGenerator(context, strategy);
    case 'date':
      return dateGenerator(context, strategy);
    case 'time':
      return timeGenerator(context, strategy);
    case 'uuid':
      return uuidGenerator(context, strategy);
    case 'varbinary':
    case 'binary':
      return fitted(context, listGenerator(context, strategy, BYTE_FIELD, (bytes) => Uint8Array.from(bytes as number[])));
    case 'array': {
      const element: SqlField = { name: '', type: type.element, nullable: type.elementNullable };
      return listGenerator(context, strategy, element, (elements) => elements);
    }
    case 'row':
      return structGenerator(context, type.fields);
    case 'map':
    case 'variant':
    case 'user':
      throw new Error(`internal error: no datagen for ${formatSqlType(type)}`);
    default:
      return unreachable(type);
  }
}

/** `values`: checked against the type once, then picked by index (increment), at random or by Zipf rank. */
function pickValue(context: FieldContext, strategy: NumericStrategy, values: readonly unknown[], nullable: boolean): ValueGenerator {
  // Problems with the value as a whole name the column; keep only those naming a part of it.
  const ownPrefix = `column "${context.column}" (${formatSqlType(context.type)}): `;
  const converted = values.map((value, i): Value => {
    const path = formatPath([...context.configPath, 'values', i]);
    if (value === null && !nullable) {
      context.problems.add(path, `is null, but ${context.column} is NOT NULL`);
      return null;
    }
    try {
      return coerceValue(context.type, value, context.column);
    } catch (error) {
      const message = errorMessage(error);
      context.problems.add(path, `is not a valid ${formatSqlType(context.type)}: ${message.startsWith(ownPrefix) ? message.slice(ownPrefix.length) : message}`);
      return null;
    }
  });
  switch (strategy) {
    case 'increment':
      return (index) => converted[index % converted.length] as Value;
    case 'uniform':
      return (_index, random) => converted[random.below(converted.length)] as Value;
    case 'zipf': {
      const zipf = rankDistribution(context, converted.length);
      return zipf === undefined ? INVALID : (_index, random) => converted[zipf.sample(random) - 1] as Value;
    }
    default:
      return unreachable(strategy);
  }
}

// ---------------------------------------------------------------------------------------------
// Strings

const DEFAULT_LENGTH_RANGE: readonly [number, number] = [0, 25];

/** The range as non-negative lengths or counts (default [0, 25)), or undefined after a problem. */
function lengthRange(context: FieldContext, fallback: readonly [number, number], describe: string): readonly [number, number] | undefined {
  const range = context.settings.range;
  if (range === undefined) return fallback;
  const [min, max] = range;
  if (typeof min !== 'number' || typeof max !== 'number' || !Number.isSafeInteger(min) || !Number.isSafeInteger(max)) {
    configProblem(context, 'range', `must be two integers [min, max) ${describe} (got ${showValue(range)})`);
    return undefined;
  }
  if (min < 0) {
    configProblem(context, 'range', `must not be negative (got [${min}, ${max}])`);
    return undefined;
  }
  return checkNonEmpty(context, min, max) ? [min, max] : undefined;
}

function textGenerator(context: FieldContext, generate: (random: RowRandom, min: number, max: number) => string): ValueGenerator {
  const range = lengthRange(context, DEFAULT_LENGTH_RANGE, 'of words, sentences or characters');
  if (range === undefined) return INVALID;
  const [min, max] = range;
  return (_index, random) => generate(random, min, max);
}

function stringGenerator(context: FieldContext, strategy: NumericStrategy): ValueGenerator {
  const scale = context.settings.scale;
  switch (strategy) {
    case 'increment':
      // Feldera: the decimal text of idx * scale (the range is not used).
      return (index) => {
        const product = index * scale;
        return Number.isSafeInteger(product) ? String(product) : String(BigInt(index) * BigInt(scale));
      };
    case 'uniform':
      return textGenerator(context, (random, min, max) => alphanumeric(random, min + random.below(max - min)));
    case 'zipf': {
      const range = lengthRange(context, DEFAULT_LENGTH_RANGE, 'of characters');
      const zipf = range === undefined ? undefined : rankDistribution(context, range[1]);
      return zipf === undefined ? INVALID : (_index, random) => alphanumeric(random, zipf.sample(random) - 1);
    }
    default:
      return unreachable(strategy);
  }
}

/** CHAR(n) is padded and values beyond a declared length are cut, as for input. */
function fitted(context: FieldContext, generator: ValueGenerator): ValueGenerator {
  const { type } = context;
  const declaresLength = (type.kind === 'char' || type.kind === 'binary') || ((type.kind === 'varchar' || type.kind === 'varbinary') && type.length !== null);
  if (!declaresLength || generator === INVALID) return generator;
  return (index, random) => {
    const value = generator(index, random);
    return coerceValue(type, value instanceof Uint8Array ? Array.from(value) : value, context.column);
  };
}

// ---------------------------------------------------------------------------------------------
// UUID

const UUID_SPACE = 2n ** 128n;
const UUID_TEXT = /^([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})$/i;

function uuidGenerator(context: FieldContext, strategy: NumericStrategy): ValueGenerator {
  const range = uuidRange(context);
  if (range === null) return INVALID;
  // Feldera multiplies as u128, so a negative scale wraps around.
  const scale = BigInt.asUintN(128, BigInt(context.settings.scale));
  switch (strategy) {
    case 'increment': {
      const [min, width] = range === undefined ? [0n, UUID_SPACE - 1n] : [range[0], range[1] - range[0]];
      return (index) => uuidText(min + ((BigInt(index) * scale) % width));
    }
    case 'uniform': {
      const [min, max] = range ?? [0n, UUID_SPACE - 1n];
      return (_index, random) => uuidText(BigInt.asUintN(128, random.bigBetween(min, max) * scale));
    }
    case 'zipf':
      configProblem(context, 'strategy', `"zipf" needs "values" for UUID columns; use "increment" or "uniform" for ${context.column}`);
      return INVALID;
    default:
      return unreachable(strategy);
  }
}

function uuidRange(context: FieldContext): readonly [bigint, bigint] | undefined | null {
  const range = context.settings.range;
  if (range === undefined) return undefined;
  const [min, max] = range.map((bound) => {
    const match = typeof bound === 'string' ? UUID_TEXT.exec(bound) : null;
    return match === null ? undefined : BigInt(`0x${match.slice(1).join('')}`);
  });
  if (min === undefined || max === undefined) {
    configProblem(context, 'range', `must be two UUIDs [min, max) (got ${showValue(range)})`);
    return null;
  }
  return checkNonEmpty(context, min, max) ? [min, max] : null;
}

function uuidText(value: bigint): string {
  const hex = value.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---------------------------------------------------------------------------------------------
// ARRAY, binary, ROW

// Bytes are generated as integers from 0 to 255 (Feldera: u8).
const BYTE_FIELD: SqlField = { name: '', type: { kind: 'integer', name: 'TINYINT', unsigned: true }, nullable: false };
const DEFAULT_LIST_LENGTHS: readonly [number, number] = [0, 5];

/**
 * ARRAY and binary values: a length from the range ([0, 5) by default), then element j generated
 * with index j from the `value` settings (Feldera's rule, so row 3 of an INT ARRAY is [0, 1, 2]).
 */
function listGenerator(
  context: FieldContext,
  strategy: NumericStrategy,
  element: SqlField,
  build: (elements: Value[]) => Value,
): ValueGenerator {
  const range = lengthRange(context, DEFAULT_LIST_LENGTHS, 'of elements');
  const elementContext: FieldContext = {
    ...context,
    type: element.type,
    settings: context.settings.value ?? DEFAULT_FIELD_SETTINGS,
    configPath: [...context.configPath, 'value'],
    column: `${context.column}[]`,
  };
  const generateElement = compileValue(elementContext, element.nullable);
  if (range === undefined) return INVALID;
  const [min, max] = range;
  // Feldera uses a negative scale for lengths as 1.
  const scale = context.settings.scale < 0 ? 1 : context.settings.scale;
  const lengthOf = lengthStrategy(context, strategy, min, max, scale);
  if (lengthOf === undefined) return INVALID;
  return (index, random) => {
    const length = lengthOf(index, random);
    const elements = new Array<Value>(length);
    for (let j = 0; j < length; j++) elements[j] = generateElement(j, random);
    return build(elements);
  };
}

function lengthStrategy(
  context: FieldContext,
  strategy: NumericStrategy,
  min: number,
  max: number,
  scale: number,
): ((index: number, random: RowRandom) => number) | undefined {
  switch (strategy) {
    case 'increment':
      return (index) => incrementWithin(index, scale, min, max);
    case 'uniform':
      return (_index, random) => (min + random.below(max - min)) * scale;
    case 'zipf': {
      const zipf = rankDistribution(context, max - min);
      return zipf === undefined ? undefined : (_index, random) => zipf.sample(random) - 1;
    }
    default:
      return unreachable(strategy);
  }
}

function structGenerator(context: FieldContext, fields: readonly SqlField[]): ValueGenerator {
  const names = fields.map((field) => field.name);
  const byField = new Map<string, ColumnSettings>();
  for (const [key, settings] of context.settings.fields) {
    const path = [...context.configPath, 'fields', key];
    const name = resolveName(key, names, byField, path, `a field of ${formatSqlType(context.type)}`, context.problems);
    if (name !== undefined) byField.set(name, { key, settings });
  }
  return compileRowGenerator(fields, byField, [...context.configPath, 'fields'], context.problems, context.column);
}

// Assigning "__proto__" would set the prototype instead of adding an entry.
function setEntry(target: Record<string, Value>, key: string, value: Value): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
