/**
 * SQL value -> DynamoDB AttributeValue, as Feldera's DynamoDB connector writes them (see the data
 * type mapping in the docs), plus the rules DynamoDB itself enforces (number range and precision,
 * key values, nesting depth) checked up front so one bad record cannot fail a whole batch.
 *
 * Encoding is the connector's hot path: `compileRowEncoder` builds one closure per column and per
 * nested type once, so encoding a row never looks at type names. Problems are thrown as cheap
 * `ValueProblem`s, given their nested path on the way out, and turned into an `InvalidValueError`
 * naming view, column and record key only at the top.
 */
import { Buffer } from 'node:buffer';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynaviewError, InvalidValueError, SqlTypeError, type ErrorContext } from '../../errors.js';
import type { IndexSpec, Row, TypeCatalog, ViewSpec } from '../../schema.js';
import { integerLimits } from '../../sql/integer-limits.js';
import { formatReal, formatDouble, integerDigitCount, leadingDigitExponent, normalizeDecimal, roundDecimal, significantDigitCount } from '../../sql/numbers.js';
import { formatSqlType, parseSqlType } from '../../sql/parse-type.js';
import { parseTypeCatalog, userTypeFields, type UserTypes } from '../../sql/resolve-type.js';
import type { SqlField, SqlType } from '../../sql/sql-type.js';
import { normalizeDate, normalizeTime, normalizeTimestamp } from '../../sql/temporal.js';
import { combineHash, fnv1a, integerHash, spreadHash } from '../../util/hash.js';
import { ownPropertyReader, setOwnProperty } from '../../util/own-property.js';
import { bytesIdentity, canonicalOrRaw, identityOf, joinIdentity, type KeyAttributeType } from './key-identity.js';

export type Item = Record<string, AttributeValue>;
export type { KeyAttributeType } from './key-identity.js';

/** A view with its column types parsed; they may name user types, which the encoder looks up in `types`. */
export interface EncoderView {
  readonly name: string;
  readonly columns: readonly SqlField[];
}

export interface RowEncoderOptions {
  connector: string; // for error context
  view: EncoderView;
  index: IndexSpec;
  types: UserTypes;
  /** Which index column is the table's partition key (HASH) and which its sort key (RANGE), once known. */
  keyRoles?: Readonly<Record<string, 'HASH' | 'RANGE'>>;
}

export interface RowEncoder {
  readonly keyColumns: readonly { name: string; type: SqlType; attributeType: KeyAttributeType }[];
  /** Whether items can hold binary (B) values, which travel as base64 in DynamoDB's JSON protocol. */
  readonly holdsBinary: boolean;
  /** Every view column -> attribute. Throws InvalidValueError naming view, column (path for nested values) and key. */
  encodeItem(row: Row): Item;
  /** Only the index columns, with the key rules checked. Throws InvalidValueError. */
  encodeKey(row: Row): Item;
  /** Equal strings exactly when DynamoDB would treat two encoded keys as the same item. */
  keyIdentity(key: Item): string;
  /**
   * `keyIdentity(encodeKey(row))` from the row's values, with the same key rules checked (throws
   * InvalidValueError), without building the key's attribute values.
   */
  keyIdOf(row: Row): string;
  /**
   * A 32-bit hash of the row's key, from its parts without their identities' text where it can (an
   * integer given as a number), with the checks of `keyIdOf` (throws InvalidValueError): rows whose
   * keys have equal identities have equal hashes, spread over all 32 bits.
   */
  keyHashOf(row: Row): number;
  /**
   * The identity of the partition (HASH) key attribute of attributes this encoder made (an item or
   * a key): what tells partition keys apart, as hot keys count them.
   */
  partitionIdentity(attributes: Item): string;
  /** The DynamoDB type of the partition key, which its identity does not carry: for showing it. */
  readonly partitionKeyType: KeyAttributeType;
  /** The row's raw index values as JSON text for messages, e.g. {"id":1,"sort":"a"} (bigint and bytes made printable). */
  describeKey(row: Row): string;
}

// DynamoDB allows 32 levels of nesting and the item itself is the first: 31 nested Lists or Maps
// around a scalar are accepted, 32 are rejected (measured on DynamoDB Local).
const MAX_NESTED_CONTAINERS = 31;
const MAX_HASH_KEY_BYTES = 2048;
const MAX_RANGE_KEY_BYTES = 1024;
const MAX_NUMBER_DIGITS = 38;
// DynamoDB numbers: magnitude below 1E+126 and, unless zero, at least 1E-130.
const MAX_NUMBER_EXPONENT = 125;
const MIN_NUMBER_EXPONENT = -130;
const MAX_VALUE_PREVIEW = 80;

const NULL_VALUE: AttributeValue = Object.freeze({ NULL: true });
const TRUE_VALUE: AttributeValue = Object.freeze({ BOOL: true });
const FALSE_VALUE: AttributeValue = Object.freeze({ BOOL: false });

const INTEGER_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NAN_TEXT = /^[+-]?nan$/i;
const INFINITY_TEXT = /^[+-]?inf(?:inity)?$/i;
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Encodes a non-NULL value of one SQL type. */
type Encode = (value: unknown) => AttributeValue;
/** The text of a non-NULL value of a type stored as `N` or `S`. */
type ToText = (value: unknown) => string;
type ToBytes = (value: unknown) => Uint8Array;
type ReadColumn = (row: Readonly<Record<string, unknown>>) => unknown;

/** Why a value cannot be encoded; `path` grows (`[3]`, `.street`) as it travels out of nested values. */
class ValueProblem {
  path = '';
  constructor(
    readonly reason: string,
    readonly typeLabel: string,
  ) {}
}

function withPath(error: unknown, segment: string): unknown {
  if (error instanceof ValueProblem) error.path = segment + error.path;
  return error;
}

interface CompiledColumn {
  readonly name: string;
  readonly read: ReadColumn;
  readonly encode: Encode;
}

export function compileRowEncoder(options: RowEncoderOptions): RowEncoder {
  const { connector, view, index, types, keyRoles } = options;
  const baseContext: ErrorContext = { connector, view: view.name, index: index.name };
  const indexColumns = checkIndexColumns(view, index, baseContext);

  const keyColumns = indexColumns.map((column) => {
    const type = column.type;
    const attributeType = keyAttributeType(type);
    if (attributeType === undefined) {
      throw new DynaviewError(
        'DYNAMODB_INDEX_INVALID',
        `index ${index.name} of view ${view.name}: column ${column.name} has type ${formatSqlType(type)}, ` +
          'which cannot be a DynamoDB key attribute (keys must be strings, numbers or binary)',
        { context: { ...baseContext, column: column.name } },
      );
    }
    return { name: column.name, type, attributeType };
  });

  const keyCodecs = new Map<string, KeyCodec>();
  for (const { name, type } of keyColumns) {
    keyCodecs.set(name, compileKeyCodec(type, keyRoles?.[name] ?? 'HASH'));
  }
  const scope: CompileScope = { types, userTypesInProgress: [], holdsBinary: keyColumns.some((column) => column.attributeType === 'B') };
  const columns: CompiledColumn[] = view.columns.map((column) => {
    const type = column.type;
    const encode =
      keyCodecs.get(column.name)?.encode ??
      withColumnContext(column, view, baseContext, () =>
        allowingNull(compileEncoder(type, 0, scope), column.nullable, formatSqlType(type), 'column'),
      );
    return { name: column.name, read: ownPropertyReader(column.name), encode };
  });
  const keyParts: (CompiledColumn & Omit<KeyCodec, 'encode'> & { readonly attributeType: KeyAttributeType })[] =
    keyColumns.map(({ name, attributeType }) => {
      const codec = keyCodecs.get(name) ?? unreachable(name);
      return { name, attributeType, read: ownPropertyReader(name), ...codec };
    });
  const [onlyKeyPart] = keyParts.length === 1 ? keyParts : [];
  // The index column whose role is HASH; before the table's roles are known, the first.
  const partitionPart = keyParts.find((part) => keyRoles?.[part.name] === 'HASH') ?? keyParts[0]!;

  function describeKey(row: Row): string {
    return `{${keyParts.map((part) => `${JSON.stringify(part.name)}:${printableJson(part.read(row))}`).join(',')}}`;
  }

  function invalidValue(problem: ValueProblem, column: string, row: Row): InvalidValueError {
    const key = describeKey(row);
    const field = column + problem.path;
    return new InvalidValueError(`view ${view.name}, column "${field}" (${problem.typeLabel}): ${problem.reason}; record key ${key}`, {
      ...baseContext,
      column,
      ...(problem.path === '' ? {} : { field }),
      key,
    });
  }

  function encodeColumns(parts: readonly CompiledColumn[], row: Row): Item {
    const item: Item = {};
    let i = 0;
    try {
      for (; i < parts.length; i++) {
        const part = parts[i] as CompiledColumn;
        setOwnProperty(item, part.name, part.encode(part.read(row)));
      }
    } catch (error) {
      if (error instanceof ValueProblem) throw invalidValue(error, (parts[i] as CompiledColumn).name, row);
      throw error;
    }
    return item;
  }

  return {
    keyColumns,
    holdsBinary: scope.holdsBinary,
    encodeItem: (row) => encodeColumns(columns, row),
    encodeKey: (row) => encodeColumns(keyParts, row),
    keyIdentity: (key) => {
      if (onlyKeyPart) return identityOf(key[onlyKeyPart.name], onlyKeyPart.attributeType);
      let identity = '';
      for (let i = 0; i < keyParts.length; i++) {
        const part = keyParts[i]!;
        identity = joinIdentity(identity, identityOf(key[part.name], part.attributeType), i === keyParts.length - 1);
      }
      return identity;
    },
    keyIdOf: (row) => {
      let i = 0;
      try {
        if (onlyKeyPart) return onlyKeyPart.identity(onlyKeyPart.read(row));
        let identity = '';
        for (; i < keyParts.length; i++) {
          const part = keyParts[i]!;
          identity = joinIdentity(identity, part.identity(part.read(row)), i === keyParts.length - 1);
        }
        return identity;
      } catch (error) {
        if (error instanceof ValueProblem) throw invalidValue(error, keyParts[i]!.name, row);
        throw error;
      }
    },
    keyHashOf: (row) => {
      let i = 0;
      try {
        if (onlyKeyPart) return spreadHash(onlyKeyPart.hash(onlyKeyPart.read(row)));
        let hash = 0;
        for (; i < keyParts.length; i++) {
          const part = keyParts[i]!;
          hash = combineHash(hash, part.hash(part.read(row)));
        }
        return spreadHash(hash);
      } catch (error) {
        if (error instanceof ValueProblem) throw invalidValue(error, keyParts[i]!.name, row);
        throw error;
      }
    },
    partitionIdentity: (attributes) => partitionPart.attributeIdentity(attributes[partitionPart.name]),
    partitionKeyType: partitionPart.attributeType,
    describeKey,
  };
}

/** N for numeric SQL types, S for VARCHAR/CHAR/TIME/DATE/TIMESTAMP/UUID, B for (VAR)BINARY, undefined otherwise (BOOLEAN, ARRAY, MAP, ROW, VARIANT cannot be DynamoDB keys). */
export function keyAttributeType(type: SqlType): KeyAttributeType | undefined {
  switch (type.kind) {
    case 'integer':
    case 'decimal':
    case 'real':
    case 'double':
      return 'N';
    case 'varchar':
    case 'char':
    case 'time':
    case 'date':
    case 'timestamp':
    case 'uuid':
      return 'S';
    case 'varbinary':
    case 'binary':
      return 'B';
    default:
      return undefined;
  }
}

/**
 * The library's edge: a view and user types given as SQL type text (`openDynamoDBOutput`'s
 * options), parsed once. Throws SqlTypeError naming view and column (or user type and field).
 */
export function parseEncoderTypes(options: { connector: string; view: ViewSpec; index: IndexSpec; types: TypeCatalog }): { view: EncoderView; types: UserTypes } {
  const { connector, view, index } = options;
  const context: ErrorContext = { connector, view: view.name, index: index.name };
  const columns = view.columns.map((column) => ({
    name: column.name,
    type: withColumnContext(column, view, context, () => parseSqlType(column.type)),
    nullable: column.nullable,
  }));
  let types: UserTypes;
  try {
    types = parseTypeCatalog(options.types);
  } catch (error) {
    if (!(error instanceof SqlTypeError)) throw error;
    throw new SqlTypeError(`view ${view.name}: ${error.message}`, context);
  }
  return { view: { name: view.name, columns }, types };
}

function checkIndexColumns(view: EncoderView, index: IndexSpec, context: ErrorContext): SqlField[] {
  const fail = (message: string, column?: string): never => {
    throw new DynaviewError('DYNAMODB_INDEX_INVALID', `index ${index.name} of view ${view.name}: ${message}`, {
      context: column === undefined ? context : { ...context, column },
    });
  };
  if (index.columns.length === 0) fail('the index has no columns; it must name the DynamoDB key columns');
  const seen = new Set<string>();
  return index.columns.map((name) => {
    if (seen.has(name)) fail(`column ${name} is listed twice`, name);
    seen.add(name);
    return view.columns.find((c) => c.name === name) ?? fail(`column ${name} is not a column of the view`, name);
  });
}

function withColumnContext<T>(column: { name: string }, view: { name: string }, context: ErrorContext, compile: () => T): T {
  try {
    return compile();
  } catch (error) {
    if (!(error instanceof SqlTypeError)) throw error;
    throw new SqlTypeError(`view ${view.name}, column "${column.name}": ${error.message}`, { ...context, column: column.name });
  }
}

function unreachable(what: string): never {
  throw new Error(`internal error: no encoder for ${what}`);
}

// ---------------------------------------------------------------------------------------------
// Values

interface CompileScope {
  readonly types: UserTypes;
  /** User types being compiled, outermost first, to reject recursive definitions. */
  readonly userTypesInProgress: string[];
  /** Set once an encoder that can produce binary (B) attribute values is compiled. */
  holdsBinary: boolean;
}

/** `level` counts the Lists and Maps around the value, which DynamoDB limits. */
function compileEncoder(type: SqlType, level: number, scope: CompileScope): Encode {
  const label = formatSqlType(type);
  switch (type.kind) {
    case 'boolean':
      return (value) => {
        if (typeof value !== 'boolean') throw wrongType('a boolean', value, label);
        return value ? TRUE_VALUE : FALSE_VALUE;
      };
    case 'integer':
    case 'decimal':
    case 'real':
    case 'double': {
      const text = compileNumberText(type, label);
      return (value) => ({ N: text(value) });
    }
    case 'varchar':
    case 'char':
    case 'time':
    case 'date':
    case 'timestamp':
    case 'uuid': {
      const text = compileStringText(type, label);
      return (value) => ({ S: text(value) });
    }
    case 'varbinary':
    case 'binary': {
      scope.holdsBinary = true;
      const bytes = compileBytes(label);
      return (value) => ({ B: bytes(value) });
    }
    case 'variant':
      scope.holdsBinary = true;
      return (value) => encodeVariant(value, level);
    case 'array':
    case 'map':
    case 'row':
    case 'user':
      if (level >= MAX_NESTED_CONTAINERS) {
        return () => {
          throw new ValueProblem(`the value is nested deeper than the 32 levels DynamoDB allows`, label);
        };
      }
      if (type.kind === 'array') return compileArray(type.element, type.elementNullable, label, level + 1, scope);
      if (type.kind === 'map') return compileMap(type.key, type.value, type.valueNullable, label, level + 1, scope);
      if (type.kind === 'row') return compileRow(type.fields, label, level + 1, scope);
      return compileUserType(type.name, label, level + 1, scope);
    default:
      return unreachable(JSON.stringify(type));
  }
}

function allowingNull(encode: Encode, nullable: boolean, label: string, position: string): Encode {
  if (nullable) return (value) => (value === null || value === undefined ? NULL_VALUE : encode(value));
  return (value) => {
    if (value === null || value === undefined) throw new ValueProblem(`NULL in a NOT NULL ${position}`, label);
    return encode(value);
  };
}

function compileArray(element: SqlType, elementNullable: boolean, label: string, level: number, scope: CompileScope): Encode {
  const encodeElement = allowingNull(compileEncoder(element, level, scope), elementNullable, formatSqlType(element), 'array element');
  return (value) => {
    if (!Array.isArray(value)) throw wrongType('an array', value, label);
    const list: AttributeValue[] = new Array<AttributeValue>(value.length);
    let i = 0;
    try {
      for (; i < value.length; i++) list[i] = encodeElement(value[i]);
    } catch (error) {
      throw withPath(error, `[${i}]`);
    }
    return { L: list };
  };
}

function compileMap(key: SqlType, valueType: SqlType, valueNullable: boolean, label: string, level: number, scope: CompileScope): Encode {
  const keyText = compileMapKeyText(key, label);
  // Feldera fails on such keys only when a map has entries, so empty maps still encode.
  const rejectKeys = (): never => {
    throw new ValueProblem(
      `keys of type ${formatSqlType(key)} cannot be DynamoDB map keys (Feldera writes only string, integer, boolean, date, time and UUID keys)`,
      label,
    );
  };
  const textOfKey: ToText = keyText ?? rejectKeys;
  const encodeValue = allowingNull(compileEncoder(valueType, level, scope), valueNullable, formatSqlType(valueType), 'map value');
  const put = (entries: Item, name: string, value: unknown): void => {
    try {
      setOwnProperty(entries, name, encodeValue(value));
    } catch (error) {
      throw withPath(error, `['${preview(name)}']`);
    }
  };
  return (value) => {
    const entries: Item = {};
    if (value instanceof Map) {
      for (const [k, v] of value) put(entries, textOfKey(k), v);
    } else if (isPlainObject(value)) {
      // Object keys are already text: used verbatim, as Feldera's JSON form of a MAP has them.
      const names = Object.keys(value);
      if (names.length > 0 && keyText === undefined) rejectKeys();
      for (const name of names) put(entries, name, value[name]);
    } else {
      throw wrongType('an object or a Map', value, label);
    }
    return { M: entries };
  };
}

/**
 * Attribute names for MAP keys: Feldera writes strings, integers, booleans, dates, times and UUIDs
 * as text and rejects the rest. Not the engine's `mapKeyText` (engine/value.ts), on purpose: that
 * one writes keys already held in canonical form, and also DECIMAL, REAL and DOUBLE keys, which
 * Feldera's DynamoDB connector refuses; this one serves library callers' `Map`s, whose keys may be
 * any JS value and are checked and made canonical first. The engine's maps arrive as plain objects,
 * whose keys are its key text and are used verbatim.
 */
function compileMapKeyText(key: SqlType, mapLabel: string): ToText | undefined {
  const keyLabel = formatSqlType(key);
  let text: ToText;
  switch (key.kind) {
    case 'boolean':
      text = (k) => {
        if (typeof k !== 'boolean') throw wrongType('a boolean', k, keyLabel);
        return k ? 'true' : 'false';
      };
      break;
    case 'integer':
      text = compileNumberText(key, keyLabel);
      break;
    case 'varchar':
    case 'char':
    case 'time':
    case 'date':
    case 'timestamp':
    case 'uuid':
      text = compileStringText(key, keyLabel);
      break;
    default:
      return undefined;
  }
  return (k) => {
    if (k === null || k === undefined) throw new ValueProblem('a MAP key is NULL', mapLabel);
    try {
      return text(k);
    } catch (error) {
      if (error instanceof ValueProblem) throw new ValueProblem(`invalid MAP key: ${error.reason}`, mapLabel);
      throw error;
    }
  };
}

function compileRow(fields: readonly SqlField[], label: string, level: number, scope: CompileScope): Encode {
  const compiled = fields.map((field) => ({
    name: field.name,
    segment: `.${field.name}`,
    read: ownPropertyReader(field.name),
    encode: allowingNull(compileEncoder(field.type, level, scope), field.nullable, formatSqlType(field.type), 'field'),
  }));
  return (value) => {
    if (!isPlainObject(value)) throw wrongType('an object', value, label);
    const entries: Item = {};
    let i = 0;
    try {
      for (; i < compiled.length; i++) {
        const field = compiled[i] as (typeof compiled)[number];
        setOwnProperty(entries, field.name, field.encode(field.read(value)));
      }
    } catch (error) {
      throw withPath(error, (compiled[i] as (typeof compiled)[number]).segment);
    }
    return { M: entries };
  };
}

function compileUserType(name: string, label: string, level: number, scope: CompileScope): Encode {
  const fields = userTypeFields(name, scope.types, scope.userTypesInProgress);
  scope.userTypesInProgress.push(name);
  try {
    return compileRow(fields, label, level, scope);
  } finally {
    scope.userTypesInProgress.pop();
  }
}

function encodeVariant(value: unknown, level: number): AttributeValue {
  switch (typeof value) {
    case 'undefined':
      return NULL_VALUE;
    case 'boolean':
      return value ? TRUE_VALUE : FALSE_VALUE;
    case 'number':
      return { N: doubleText(value, 'VARIANT') };
    case 'bigint':
      return { N: checkedNumberText(value.toString(), 'VARIANT') };
    case 'string':
      return { S: value };
    case 'object': {
      if (value === null) return NULL_VALUE;
      if (value instanceof Uint8Array) return { B: plainBytes(value) };
      if (!Array.isArray(value) && !isPlainObject(value)) break;
      if (level >= MAX_NESTED_CONTAINERS) throw new ValueProblem('the value is nested deeper than the 32 levels DynamoDB allows', 'VARIANT');
      return Array.isArray(value) ? { L: variantList(value, level + 1) } : { M: variantMap(value, level + 1) };
    }
  }
  throw new ValueProblem(`a VARIANT cannot hold ${describeValue(value)}`, 'VARIANT');
}

function variantList(values: readonly unknown[], level: number): AttributeValue[] {
  const list: AttributeValue[] = new Array<AttributeValue>(values.length);
  let i = 0;
  try {
    for (; i < values.length; i++) list[i] = encodeVariant(values[i], level);
  } catch (error) {
    throw withPath(error, `[${i}]`);
  }
  return list;
}

function variantMap(value: Record<string, unknown>, level: number): Item {
  const entries: Item = {};
  for (const name of Object.keys(value)) {
    try {
      setOwnProperty(entries, name, encodeVariant(value[name], level));
    } catch (error) {
      throw withPath(error, `['${preview(name)}']`);
    }
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
// Keys

/**
 * How an index column becomes a key attribute, and the part of the key's identity it gives: for N
 * the canonical number text ("1.50" and "1.5" are the same DynamoDB key), for S the string, for B
 * the bytes as latin1 text. Both check the key rules, so an invalid key is found however it is met.
 */
interface KeyCodec {
  readonly encode: Encode;
  /** The identity of a row value (see key-identity.ts), with the key rules checked. */
  readonly identity: (value: unknown) => string;
  /** A 32-bit hash of `identity(value)`, equal for equal identities, with the same checks. */
  readonly hash: (value: unknown) => number;
  /** The identity of an attribute value this codec encoded. */
  readonly attributeIdentity: (value: AttributeValue | undefined) => string;
}

/** The codec of an index column, whose type `keyAttributeType` accepted. */
function compileKeyCodec(type: SqlType, role: 'HASH' | 'RANGE'): KeyCodec {
  const label = formatSqlType(type);
  const maxBytes = role === 'RANGE' ? MAX_RANGE_KEY_BYTES : MAX_HASH_KEY_BYTES;
  const keyName = role === 'RANGE' ? 'a sort key' : 'a partition key';
  const tooLong = (bytes: number): ValueProblem =>
    new ValueProblem(`the key value is ${bytes} bytes, but DynamoDB allows at most ${maxBytes} bytes for ${keyName}`, label);
  const notNull = (value: unknown): void => {
    if (value === null || value === undefined) throw new ValueProblem('NULL cannot be a DynamoDB key value', label);
  };
  switch (type.kind) {
    case 'integer':
    case 'decimal':
    case 'real':
    case 'double': {
      const text = compileNumberText(type, label);
      const checked = (value: unknown): string => {
        notNull(value);
        return text(value);
      };
      if (type.kind === 'integer') {
        const { minNumber, maxNumber } = integerLimits(type);
        return {
          encode: (value) => ({ N: checked(value) }),
          // An integer's text is canonical already (String of a safe integer, or a bigint's digits).
          identity: checked,
          // Hashed by value where it is a safe integer, so that a number key is hashed without its text.
          hash: (value) => {
            if (typeof value === 'number' && Number.isSafeInteger(value) && value >= minNumber && value <= maxNumber) return integerHash(value);
            const text = checked(value);
            const number = Number(text);
            return Number.isSafeInteger(number) ? integerHash(number) : fnv1a(text);
          },
          attributeIdentity: (value) => value?.N ?? '',
        };
      }
      const identity = (value: unknown): string => canonicalOrRaw(checked(value));
      return {
        encode: (value) => ({ N: checked(value) }),
        identity,
        hash: (value) => fnv1a(identity(value)),
        attributeIdentity: (value) => identityOf(value, 'N'),
      };
    }
    case 'varchar':
    case 'char':
    case 'time':
    case 'date':
    case 'timestamp':
    case 'uuid': {
      const text = compileStringText(type, label);
      const checked = (value: unknown): string => {
        notNull(value);
        const s = text(value);
        if (s.length === 0) throw new ValueProblem('an empty string cannot be a DynamoDB key value', label);
        // Each UTF-16 unit takes at most 3 UTF-8 bytes, so most keys skip the byte count.
        if (s.length * 3 > maxBytes) {
          const bytes = Buffer.byteLength(s, 'utf8');
          if (bytes > maxBytes) throw tooLong(bytes);
        }
        return s;
      };
      return {
        encode: (value) => ({ S: checked(value) }),
        identity: checked,
        hash: (value) => fnv1a(checked(value)),
        attributeIdentity: (value) => value?.S ?? '',
      };
    }
    case 'varbinary':
    case 'binary': {
      const toBytes = compileBytes(label);
      const checked = (value: unknown): Uint8Array => {
        notNull(value);
        const bytes = toBytes(value);
        if (bytes.length === 0) throw new ValueProblem('an empty binary value cannot be a DynamoDB key value', label);
        if (bytes.length > maxBytes) throw tooLong(bytes.length);
        return bytes;
      };
      const identity = (value: unknown): string => bytesIdentity(checked(value));
      return {
        encode: (value) => ({ B: checked(value) }),
        identity,
        hash: (value) => fnv1a(identity(value)),
        attributeIdentity: (value) => identityOf(value, 'B'),
      };
    }
    default:
      return unreachable(`key type ${label}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Scalars

type NumericType = Extract<SqlType, { kind: 'integer' | 'decimal' | 'real' | 'double' }>;
type StringType = Extract<SqlType, { kind: 'varchar' | 'char' | 'time' | 'date' | 'timestamp' | 'uuid' }>;

function compileNumberText(type: NumericType, label: string): ToText {
  switch (type.kind) {
    case 'integer':
      return compileIntegerText(type, label);
    case 'decimal':
      return compileDecimalText(type.precision, type.scale, label);
    case 'real':
      return (value) => {
        const x = toFloat(value, label);
        if (!Number.isFinite(Math.fround(x))) throw new ValueProblem(`${x} is outside the range of REAL`, label);
        return formatReal(x);
      };
    case 'double':
      return (value) => doubleText(toFloat(value, label), label);
  }
}

function compileIntegerText(type: Extract<SqlType, { kind: 'integer' }>, label: string): ToText {
  // minNumber and maxNumber are exact for every bound that matters to a safe integer; BIGINT's max rounds up, above any safe integer.
  const { min, max, minNumber, maxNumber } = integerLimits(type);
  const outOfRange = (text: string): ValueProblem => new ValueProblem(`${text} is out of range for ${label} (${min}..${max})`, label);
  const checked = (n: bigint): string => {
    if (n < min || n > max) throw outOfRange(preview(n.toString()));
    return n.toString();
  };
  return (value) => {
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) throw wrongType('an integer', value, label);
      if (!Number.isSafeInteger(value)) return checked(BigInt(value));
      if (value < minNumber || value > maxNumber) throw outOfRange(String(value));
      return String(value);
    }
    if (typeof value === 'bigint') return checked(value);
    if (typeof value === 'string') {
      const text = value.trim();
      if (!INTEGER_TEXT.test(text)) throw new ValueProblem(`${quote(value)} is not an integer`, label);
      return checked(BigInt(text));
    }
    throw wrongType('an integer', value, label);
  };
}

function compileDecimalText(precision: number, scale: number, label: string): ToText {
  const maxIntegerDigits = precision - scale;
  return (value) => {
    let text: string;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw notFinite(value, label);
      text = formatDouble(value);
    } else if (typeof value === 'bigint') {
      text = value.toString();
    } else if (typeof value === 'string') {
      try {
        text = normalizeDecimal(value);
      } catch (error) {
        throw new ValueProblem(`${quote(value)} is not a valid decimal: ${(error as Error).message}`, label);
      }
    } else {
      throw wrongType('a number or numeric string', value, label);
    }
    const rounded = roundDecimal(text, scale);
    const integerDigits = integerDigitCount(rounded);
    if (integerDigits > maxIntegerDigits) {
      throw new ValueProblem(`${preview(text)} has ${integerDigits} integer digits, but ${label} allows at most ${maxIntegerDigits}`, label);
    }
    return rounded;
  };
}

/** A REAL or DOUBLE input: a number, or numeric text as Feldera's JSON parser accepts it. */
function toFloat(value: unknown, label: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw notFinite(value, label);
    return value;
  }
  if (typeof value !== 'string') throw wrongType('a number or numeric string', value, label);
  const text = value.trim();
  if (NAN_TEXT.test(text)) throw notFinite(Number.NaN, label);
  if (INFINITY_TEXT.test(text)) throw notFinite(text.startsWith('-') ? -Infinity : Infinity, label);
  if (!FLOAT_TEXT.test(text)) throw new ValueProblem(`${quote(value)} is not a number`, label);
  return Number(text);
}

/** A double as DynamoDB `N` text, rejecting what DynamoDB cannot store. */
function doubleText(x: number, label: string): string {
  if (!Number.isFinite(x)) throw notFinite(x, label);
  const magnitude = Math.abs(x);
  // Comparing doubles is exact here: a double is at least 1e126 exactly when its shortest digits are.
  if (magnitude >= 1e126) throw tooLarge(String(x), label);
  if (magnitude < 1e-130 && x !== 0) throw tooSmall(String(x), label);
  return formatDouble(x);
}

function checkedNumberText(canonical: string, label: string): string {
  const digits = significantDigitCount(canonical);
  if (digits > MAX_NUMBER_DIGITS) {
    throw new ValueProblem(`${preview(canonical)} has ${digits} significant digits, but DynamoDB stores at most ${MAX_NUMBER_DIGITS}`, label);
  }
  const exponent = leadingDigitExponent(canonical);
  if (exponent !== undefined && exponent > MAX_NUMBER_EXPONENT) throw tooLarge(preview(canonical), label);
  if (exponent !== undefined && exponent < MIN_NUMBER_EXPONENT) throw tooSmall(preview(canonical), label);
  return canonical;
}

function notFinite(x: number, label: string): ValueProblem {
  return new ValueProblem(`${x} cannot be stored in DynamoDB`, label);
}

function tooLarge(text: string, label: string): ValueProblem {
  return new ValueProblem(`${text} is too large for DynamoDB (numbers must be below 1E+126 in magnitude)`, label);
}

function tooSmall(text: string, label: string): ValueProblem {
  return new ValueProblem(`${text} is too small for DynamoDB (non-zero numbers must be at least 1E-130 in magnitude)`, label);
}

function compileStringText(type: StringType, label: string): ToText {
  switch (type.kind) {
    case 'varchar':
    case 'char':
      return (value) => {
        if (typeof value !== 'string') throw wrongType('a string', value, label);
        return value;
      };
    case 'time':
      return (value) => {
        if (typeof value !== 'string') throw wrongType('a TIME string', value, label);
        return temporalText(normalizeTime, value, label);
      };
    case 'date':
      return (value) => {
        if (typeof value !== 'string' && !(value instanceof Date)) throw wrongType('a DATE string or a Date', value, label);
        return temporalText(normalizeDate, value, label);
      };
    case 'timestamp':
      return (value) => {
        if (typeof value !== 'string' && !(value instanceof Date)) throw wrongType('a TIMESTAMP string or a Date', value, label);
        return temporalText(normalizeTimestamp, value, label);
      };
    case 'uuid':
      return (value) => {
        if (typeof value !== 'string') throw wrongType('a UUID string', value, label);
        const text = value.trim();
        if (!UUID_TEXT.test(text)) throw new ValueProblem(`${quote(value)} is not a UUID (expected 8-4-4-4-12 hex digits)`, label);
        return text.toLowerCase();
      };
  }
}

function temporalText<T extends string | Date>(normalize: (value: T) => string, value: T, label: string): string {
  try {
    return normalize(value);
  } catch (error) {
    const shown = value instanceof Date ? 'the Date' : quote(value);
    throw new ValueProblem(`${shown} is not a valid ${label}: ${(error as Error).message}`, label);
  }
}

function compileBytes(label: string): ToBytes {
  return (value) => {
    if (value instanceof Uint8Array) return plainBytes(value);
    if (!Array.isArray(value)) throw wrongType('an array of bytes or a Uint8Array', value, label);
    const bytes = new Uint8Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const byte: unknown = value[i];
      if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < 0 || byte > 255) {
        throw new ValueProblem(`element ${i} is not a byte (an integer 0..255): ${describeValue(byte)}`, label);
      }
      bytes[i] = byte;
    }
    return bytes;
  };
}

/** A Buffer (or other Uint8Array subclass) as a plain Uint8Array view of the same memory. */
function plainBytes(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

// ---------------------------------------------------------------------------------------------
// Message text: never more than about MAX_VALUE_PREVIEW characters of a value.

function wrongType(expected: string, value: unknown, label: string): ValueProblem {
  return new ValueProblem(`expected ${expected}, got ${describeValue(value)}`, label);
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return `string ${quote(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${preview(String(value))}`;
  if (Array.isArray(value)) return `an array of ${value.length} elements`;
  if (value instanceof Uint8Array) return `${value.length} bytes of binary`;
  if (value instanceof Date) return 'a Date';
  if (value instanceof Map) return 'a Map';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function quote(text: string): string {
  return JSON.stringify(preview(text));
}

function preview(text: string): string {
  return text.length <= MAX_VALUE_PREVIEW ? text : `${text.slice(0, MAX_VALUE_PREVIEW - 3)}...`;
}

/** JSON text of a raw key value for messages: bigint as a number, bytes as an array of byte values. */
function printableJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return preview(value.toString());
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
  if (typeof value === 'string') return quote(value);
  if (value instanceof Uint8Array) return preview(`[${Array.from(value.subarray(0, MAX_VALUE_PREVIEW)).join(',')}]`);
  try {
    return preview(JSON.stringify(value) ?? 'null');
  } catch {
    return JSON.stringify(describeValue(value));
  }
}
