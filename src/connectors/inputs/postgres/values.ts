/**
 * PostgreSQL values, as the text the server writes, to the JSON values Feldera's Postgres
 * connectors hand its JSON parser (which `coerceRow` then reads like any JSON input): numbers as
 * JSON numbers (kept exact), `json`/`jsonb` as the JSON value, `bytea` as an array of bytes,
 * `timestamptz` as RFC 3339 (read into UTC), arrays element by element, booleans as booleans, and
 * every other type (text, dates, times, timestamps, uuid, enums, ...) as its text. Domains read as
 * their base type. Which decoder a column needs is learnt from `pg_type` by type OID.
 */
import type { Client } from 'pg';
import { parseJsonLossless } from '../../../util/lossless-json.js';
import { parseArrayLiteral, type ArrayElement } from './array-literal.js';

/** Text as the server sends it -> a JSON-like value. Throws an Error whose message says what is wrong with the text. */
export type ValueDecoder = (text: string) => unknown;

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** NaN and the infinities stay text, which the float columns read (`coerce.ts`) and DECIMAL refuses. */
function decodeNumber(text: string): unknown {
  return JSON_NUMBER.test(text) ? parseJsonLossless(text) : text;
}

function decodeBoolean(text: string): boolean {
  if (text === 't') return true;
  if (text === 'f') return false;
  throw new Error(`"${text}" is not a boolean`);
}

const BYTEA_HEX = /^\\x((?:[0-9a-fA-F]{2})*)$/;

function decodeBytea(text: string): number[] {
  const match = BYTEA_HEX.exec(text);
  if (match === null) throw new Error('bytea is not in hex form (bytea_output = hex)');
  return [...Buffer.from(match[1]!, 'hex')];
}

const TIMESTAMPTZ = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2})(?::(\d{2}))?(?::\d{2})?$/;

/** `2024-01-01 12:00:00+00` (the session is in UTC) -> `2024-01-01T12:00:00+00:00`; BC dates and infinity stay as they are. */
function decodeTimestamptz(text: string): string {
  const match = TIMESTAMPTZ.exec(text);
  return match === null ? text : `${match[1]!}T${match[2]!}${match[3]!}:${match[4] ?? '00'}`;
}

function decodeText(text: string): string {
  return text;
}

/** By `pg_type.typname`; other types read as text. */
const SCALAR_DECODERS: ReadonlyMap<string, ValueDecoder> = new Map<string, ValueDecoder>([
  ['bool', decodeBoolean],
  ['int2', decodeNumber],
  ['int4', decodeNumber],
  ['int8', decodeNumber],
  ['oid', decodeNumber],
  ['float4', decodeNumber],
  ['float8', decodeNumber],
  ['numeric', decodeNumber],
  ['json', parseJsonLossless],
  ['jsonb', parseJsonLossless],
  ['bytea', decodeBytea],
  ['timestamptz', decodeTimestamptz],
]);

function arrayDecoder(element: ValueDecoder, delimiter: string): ValueDecoder {
  const decodeElement = (value: ArrayElement): unknown => {
    if (value === null) return null;
    return Array.isArray(value) ? value.map(decodeElement) : element(value);
  };
  return (text) => parseArrayLiteral(text, delimiter).map(decodeElement);
}

/** What `pg_type` says about a type, as text (every value comes back as text). */
interface TypeRow {
  oid: string;
  typname: string;
  typtype: string;
  /** The base type of a domain, else 0. */
  base: string;
  /** The element type when this is an array type, else null. */
  element: string | null;
  delimiter: string | null;
}

const TYPE_QUERY = `SELECT t.oid, t.typname, t.typtype, t.typbasetype AS base, e.oid AS element, e.typdelim AS delimiter
  FROM pg_type t LEFT JOIN pg_type e ON e.typarray = t.oid WHERE t.oid = ANY($1::oid[])`;

/** The decoders of the types seen so far, by type OID. */
export class TypeDecoders {
  private readonly decoders = new Map<number, ValueDecoder>();

  knows(oid: number): boolean {
    return this.decoders.has(oid);
  }

  /** The decoder of a type learnt before; text as it is for one that was not. */
  decoder(oid: number): ValueDecoder {
    return this.decoders.get(oid) ?? decodeText;
  }

  /** Learns the decoders of these types (and of their elements and base types) from the server's catalog. */
  async learn(client: Client, oids: Iterable<number>): Promise<void> {
    const rows = new Map<number, TypeRow>();
    let wanted = [...new Set(oids)].filter((oid) => !this.decoders.has(oid));
    while (wanted.length > 0) {
      const result = await client.query<TypeRow>(TYPE_QUERY, [wanted]);
      for (const row of result.rows) rows.set(Number(row.oid), row);
      const dependencies = result.rows.flatMap((row) => [Number(row.base), Number(row.element ?? 0)]);
      wanted = [...new Set(dependencies)].filter((oid) => oid !== 0 && !rows.has(oid) && !this.decoders.has(oid));
    }
    for (const oid of rows.keys()) this.build(oid, rows);
  }

  private build(oid: number, rows: ReadonlyMap<number, TypeRow>): ValueDecoder {
    const known = this.decoders.get(oid);
    if (known !== undefined) return known;
    const row = rows.get(oid);
    let decoder: ValueDecoder = decodeText;
    if (row !== undefined) {
      if (row.typtype === 'd') decoder = this.build(Number(row.base), rows);
      else if (row.element !== null) decoder = arrayDecoder(this.build(Number(row.element), rows), row.delimiter ?? ',');
      else decoder = SCALAR_DECODERS.get(row.typname) ?? decodeText;
    }
    this.decoders.set(oid, decoder);
    return decoder;
  }
}
