/**
 * What every datagen value generator is compiled from: the field's type and settings, where the
 * settings are in the configuration (for config problems) and which column the value belongs to
 * (for problems with generated values), plus helpers shared by the per-type generators.
 */
import { DynaviewError } from '../../errors.js';
import { INPUT_INVALID_VALUE } from '../../engine/coerce.js';
import type { Value } from '../../engine/value.js';
import { formatSqlType } from '../../sql/parse-type.js';
import type { SqlType } from '../../sql/sql-type.js';
import { formatPath, type ConfigProblems } from '../../util/config-problems.js';
import type { FieldSettings } from './datagen-config.js';
import type { RowRandom } from './random.js';

/** The value of one field for row (or element) `index`, drawing from that row's `random`. */
export type ValueGenerator = (index: number, random: RowRandom) => Value;

export interface FieldContext {
  readonly type: SqlType;
  readonly settings: FieldSettings;
  /** Path of the settings in the transport config, e.g. `plan.0.fields.id`. */
  readonly configPath: readonly PropertyKey[];
  /** The SQL value's path, e.g. `address.street` or `tags[]`. */
  readonly column: string;
  readonly problems: ConfigProblems;
}

/** A problem with one setting of the field, e.g. its `range`. */
export function configProblem(context: FieldContext, setting: string, message: string): void {
  context.problems.add(formatPath([...context.configPath, setting]), message);
}

/** A generated value the column cannot hold (a scale or range beyond the type): the row is skipped. */
export function generatedValueError(context: FieldContext, value: number | bigint | string, reason: string): DynaviewError {
  const column = /^[^.[]*/.exec(context.column)?.[0] ?? context.column;
  return new DynaviewError(INPUT_INVALID_VALUE,
    `column "${context.column}" (${formatSqlType(context.type)}): the generated value ${String(value)} ${reason}`,
    { context: { column, ...(column === context.column ? {} : { field: context.column }) } });
}

/** Checks that `[min, max)` is not empty; reports a problem and returns false when it is. */
export function checkNonEmpty(context: FieldContext, min: number | bigint, max: number | bigint): boolean {
  if (min < max) return true;
  configProblem(context, 'range', `is empty: min must be less than max (got [${String(min)}, ${String(max)}])`);
  return false;
}

/** A placeholder for a field whose settings have problems: the connector is never started. */
export const INVALID: ValueGenerator = () => null;

/** `min + (index * scale) % (max - min)`, Feldera's `increment` within a range, exact for any index. */
export function incrementWithin(index: number, scale: number, min: number, max: number): number {
  const product = index * scale;
  if (Number.isSafeInteger(product)) return min + (product % (max - min));
  return Number(BigInt(min) + ((BigInt(index) * BigInt(scale)) % BigInt(max - min)));
}

export function unreachable(value: never): never {
  throw new Error(`internal error: unexpected ${JSON.stringify(value)}`);
}
