/**
 * SQL types as plain tagged data. `parseSqlType` (in `parse-type.ts`) builds them from type text;
 * the encoders and the engine switch on `kind`.
 */

export type IntegerName = 'TINYINT' | 'SMALLINT' | 'INT' | 'BIGINT';

export type SqlType =
  | { readonly kind: 'boolean' }
  | { readonly kind: 'integer'; readonly name: IntegerName; readonly unsigned: boolean }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'real' }
  | { readonly kind: 'double' }
  | { readonly kind: 'varchar'; readonly length: number | null }
  | { readonly kind: 'char'; readonly length: number }
  | { readonly kind: 'time' }
  | { readonly kind: 'date' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'uuid' }
  | { readonly kind: 'varbinary'; readonly length: number | null }
  | { readonly kind: 'binary'; readonly length: number }
  | { readonly kind: 'variant' }
  | { readonly kind: 'array'; readonly element: SqlType; readonly elementNullable: boolean }
  | { readonly kind: 'map'; readonly key: SqlType; readonly value: SqlType; readonly valueNullable: boolean }
  | { readonly kind: 'row'; readonly fields: readonly SqlField[] }
  /** A reference to a user-defined type (`CREATE TYPE`), resolved against a type catalog. */
  | { readonly kind: 'user'; readonly name: string };

export interface SqlField {
  readonly name: string;
  readonly type: SqlType;
  readonly nullable: boolean;
}

export type SqlTypeKind = SqlType['kind'];
