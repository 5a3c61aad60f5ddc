// sqllogictest (slt) support with no dependency on the engine: the record parser, a JSON reader
// that keeps numbers as written, and the comparison of results the way sqllogictest does it
// (value rendering per column type letter, sort modes, MD5 of the values, hash-threshold).
// Behaviour follows sqllogictest.c and slt_sqlite.c of https://www.sqlite.org/sqllogictest.
import { createHash } from 'node:crypto';

/** The engine name `skipif` / `onlyif` conditions are matched against (case-insensitively). */
export const ENGINE_NAME = 'dynaview';

// ---------------------------------------------------------------------------------------------
// Parsing

/**
 * Parses the text of a .test file into records, in order.
 *
 * Lines starting with `#` are comments wherever they are; a record is a run of non-blank lines
 * (a line of spaces is blank; a trailing \r is dropped). Records:
 * - `{kind: 'statement', expect: 'ok'|'error', sql, line}`
 * - `{kind: 'query', types, sortMode, label, sql, expected, line}` where `expected` is
 *   `{kind: 'values', values: string[]}` or `{kind: 'hash', count, hash}`
 * - `{kind: 'hash-threshold', value, line}`, `{kind: 'halt', line}`, `{kind: 'unknown', text, line}`
 * Every record has `skipped`: a `skipif`/`onlyif` condition excluded it for `engine`
 * (`skipif X` skips when X names the engine; `onlyif X` skips unless X names it), and
 * `conditions`, the conditions as written.
 */
export function parseSlt(text, engine = ENGINE_NAME) {
  const lines = text.split('\n').map((raw, i) => {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') line = '';
    return { text: line, number: i + 1 };
  }).filter((l) => !l.text.startsWith('#'));
  const records = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i].text === '') { i++; continue; }
    const start = i;
    while (i < lines.length && lines[i].text !== '') i++;
    records.push(parseRecord(lines.slice(start, i), engine));
  }
  return records;
}

function tokens(line) {
  return line.trim().split(/\s+/);
}

function parseRecord(lines, engine) {
  const conditions = [];
  let skipped = false;
  let k = 0;
  for (; k < lines.length; k++) {
    const [word, name = ''] = tokens(lines[k].text);
    if (word !== 'skipif' && word !== 'onlyif') break;
    conditions.push(`${word} ${name}`);
    const match = name.toLowerCase() === engine.toLowerCase();
    if (word === 'skipif' ? match : !match) skipped = true;
  }
  const head = lines[k];
  const base = { line: head ? head.number : lines[0].number, skipped, conditions };
  if (!head) return { ...base, kind: 'unknown', text: '' };
  const t = tokens(head.text);
  const body = lines.slice(k + 1).map((l) => l.text);
  switch (t[0]) {
    case 'statement':
      return { ...base, kind: 'statement', expect: t[1] ?? 'ok', sql: body.join('\n') };
    case 'query': {
      const dash = body.indexOf('----');
      const sql = (dash < 0 ? body : body.slice(0, dash)).join('\n');
      const results = dash < 0 ? [] : body.slice(dash + 1);
      return {
        ...base,
        kind: 'query',
        types: t[1] ?? '',
        sortMode: t[2] ?? 'nosort',
        label: t[3] ?? null,
        sql,
        expected: parseExpected(results),
      };
    }
    case 'hash-threshold':
      return { ...base, kind: 'hash-threshold', value: Number.parseInt(t[1] ?? '0', 10) || 0 };
    case 'halt':
      return { ...base, kind: 'halt' };
    default:
      return { ...base, kind: 'unknown', text: head.text };
  }
}

const HASH_LINE = /^(\d+) values hashing to ([0-9a-f]{32})$/;

function parseExpected(results) {
  const m = results.length === 1 ? HASH_LINE.exec(results[0].trim()) : null;
  if (m) return { kind: 'hash', count: Number(m[1]), hash: m[2] };
  return { kind: 'values', values: results };
}

// ---------------------------------------------------------------------------------------------
// JSON lines, numbers kept as written

/** A JSON number with its source text, so that 5 and 5.0 and 2^63-1 stay what they were. */
export class JsonNumber {
  constructor(text) { this.text = text; }
  get isInteger() { return /^-?\d+$/.test(this.text); }
  toNumber() { return Number(this.text); }
  toJSON() { return this.toNumber(); }
  toString() { return this.text; }
}

/** Parses one JSON text; numbers become JsonNumber. Throws SyntaxError on malformed input. */
export function parseJsonLossless(text) {
  let i = 0;
  const fail = (what) => { throw new SyntaxError(`${what} at offset ${i} of ${JSON.stringify(text.slice(0, 200))}`); };
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj = {};
      ws();
      if (text[i] === '}') { i++; return obj; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = string();
        ws();
        if (text[i] !== ':') fail('expected :');
        i++;
        Object.defineProperty(obj, key, { value: value(), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return obj; }
        fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      const arr = [];
      ws();
      if (text[i] === ']') { i++; return arr; }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return arr; }
        fail('expected , or ]');
      }
    }
    if (c === '"') return string();
    if (text.startsWith('true', i)) { i += 4; return true; }
    if (text.startsWith('false', i)) { i += 5; return false; }
    if (text.startsWith('null', i)) { i += 4; return null; }
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('unexpected character');
    i += m[0].length;
    return new JsonNumber(m[0]);
  };
  const string = () => {
    const m = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(text.slice(i));
    if (!m) fail('malformed string');
    i += m[0].length;
    return JSON.parse(m[0]);
  };
  const result = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return result;
}

// ---------------------------------------------------------------------------------------------
// Rendering values the way slt_sqlite.c does

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** SQLite's conversion of a double to a 64-bit integer: truncation toward zero, saturating. */
function doubleToInt64(x) {
  if (Number.isNaN(x)) return 0n;
  if (x >= 9223372036854775807) return INT64_MAX;
  if (x <= -9223372036854775808) return INT64_MIN;
  return BigInt(Math.trunc(x));
}

const NUMERIC_PREFIX = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/;

/** A value as a number: `{int: bigint}` or `{real: number}`, the way SQLite reads text (its numeric prefix, else 0). */
function numericOf(value) {
  if (typeof value === 'boolean') return { int: value ? 1n : 0n };
  if (typeof value === 'bigint') return { int: value };
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER ? { int: BigInt(value) } : { real: value };
  let text;
  if (value instanceof JsonNumber) text = value.text;
  else if (typeof value === 'string') {
    const m = NUMERIC_PREFIX.exec(value);
    if (!m) return { int: 0n };
    text = m[1];
  } else return { int: 0n };
  if (/^[+-]?\d+$/.test(text)) {
    const n = BigInt(text);
    return { int: n > INT64_MAX ? INT64_MAX : n < INT64_MIN ? INT64_MIN : n };
  }
  return { real: Number(text) };
}

/** SQLite's `%!.15g`, how it turns a REAL into text. */
export function sqliteRealText(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  if (x === 0) return '0.0';
  let s = x.toPrecision(15);
  let [mant, exp] = s.split('e');
  if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '.0');
  else mant = `${mant}.0`;
  if (exp === undefined) return mant;
  const e = Number(exp);
  return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** `%.3f` as SQLite prints it. */
function fixed3(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  if (Math.abs(x) < 1e21) return x.toFixed(3);
  return `${BigInt(Math.trunc(x)).toString()}.000`;
}

/** Text the way SQLite shows a non-text value of a T column. */
function textOf(value) {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : sqliteRealText(value);
  if (value instanceof JsonNumber) {
    if (value.isInteger) return BigInt(value.text).toString();
    return sqliteRealText(value.toNumber());
  }
  return JSON.stringify(value);
}

/**
 * One value rendered for a column of type letter `type` (I, R or T), as sqllogictest's SQLite
 * driver does: NULL is `NULL`; I is `%d` of sqlite3_column_int (truncated toward zero, then the
 * low 32 bits); R is `%.3f`; T is the text, `(empty)` when empty, with every byte outside
 * printable ASCII shown as `@`.
 */
export function renderValue(value, type) {
  if (value === null || value === undefined) return 'NULL';
  switch (type) {
    case 'I': {
      const n = numericOf(value);
      const i64 = n.int !== undefined ? n.int : doubleToInt64(n.real);
      return BigInt.asIntN(32, i64).toString();
    }
    case 'R': {
      const n = numericOf(value);
      return fixed3(n.int !== undefined ? Number(n.int) : n.real);
    }
    default: {
      const text = textOf(value);
      if (text === '') return '(empty)';
      let out = '';
      for (const byte of Buffer.from(text, 'utf8')) out += byte < 0x20 || byte > 0x7e ? '@' : String.fromCharCode(byte);
      return out;
    }
  }
}

/** The rows (arrays of column values) rendered as one flat list of strings, row by row. */
export function renderRows(rows, types) {
  const out = [];
  for (const row of rows) for (let c = 0; c < types.length; c++) out.push(renderValue(row[c], types[c]));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sort modes and hashing

const strcmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** Sorts a flat value list as the sort mode says: rowsort sorts rows of `columns` values, valuesort every value. */
export function sortValues(values, sortMode, columns) {
  if (sortMode === 'valuesort') return [...values].sort(strcmp);
  if (sortMode !== 'rowsort') return [...values];
  const rows = [];
  for (let i = 0; i < values.length; i += columns) rows.push(values.slice(i, i + columns));
  rows.sort((a, b) => {
    for (let c = 0; c < columns; c++) {
      const d = strcmp(a[c], b[c]);
      if (d !== 0) return d;
    }
    return 0;
  });
  return rows.flat();
}

/** The MD5 sqllogictest takes of a result: every value followed by a newline. */
export function hashValues(values) {
  const h = createHash('md5');
  for (const v of values) h.update(`${v}\n`);
  return h.digest('hex');
}

/** How sqllogictest shows a result: the values, or `N values hashing to H` past the hash threshold. */
export function resultText(values, hashThreshold) {
  if (hashThreshold > 0 && values.length > hashThreshold) return `${values.length} values hashing to ${hashValues(values)}`;
  return values.join('\n');
}

// ---------------------------------------------------------------------------------------------
// ORDER BY of nosort queries

/**
 * The query's outermost ORDER BY when every term is an output column ordinal (`ORDER BY 2 DESC, 1`),
 * as `[{column, desc}]`; `null` when there is no ORDER BY; `{unsupported: text}` when a term is
 * anything else. Also tells whether the query has a LIMIT/OFFSET after it.
 */
export function outerOrderBy(sql) {
  const toks = [];
  const re = /\s+|'(?:[^']|'')*'|"(?:[^"]|"")*"|[A-Za-z_][A-Za-z_0-9$]*|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+|--[^\n]*|./gy;
  let m;
  while ((m = re.exec(sql)) !== null && m[0] !== '') {
    if (/^\s/.test(m[0]) || m[0].startsWith('--')) continue;
    toks.push(m[0]);
  }
  let depth = 0;
  let at = -1;
  let limit = false;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t === '(') depth++;
    else if (t === ')') depth--;
    else if (depth === 0 && /^order$/i.test(t) && /^by$/i.test(toks[i + 1] ?? '')) at = i + 2;
    else if (depth === 0 && /^(limit|offset|fetch)$/i.test(t)) limit = true;
  }
  if (at < 0) return { terms: null, limit };
  const terms = [];
  let i = at;
  while (i < toks.length && !/^(limit|offset|fetch)$/i.test(toks[i])) {
    const term = [];
    while (i < toks.length && toks[i] !== ',' && !/^(limit|offset|fetch)$/i.test(toks[i])) term.push(toks[i++]);
    if (toks[i] === ',') i++;
    const [first, ...rest] = term;
    const words = rest.map((w) => w.toUpperCase()).join(' ');
    if (first === undefined || !/^\d+$/.test(first) || !['', 'ASC', 'DESC', 'ASC NULLS FIRST', 'ASC NULLS LAST', 'DESC NULLS FIRST', 'DESC NULLS LAST', 'NULLS FIRST', 'NULLS LAST'].includes(words)) {
      return { terms: { unsupported: term.join(' ') }, limit };
    }
    const desc = words.startsWith('DESC');
    const nullsFirst = words.endsWith('NULLS FIRST') ? true : words.endsWith('NULLS LAST') ? false : !desc;
    terms.push({ column: Number(first) - 1, desc, nullsFirst });
  }
  return { terms, limit };
}

/** SQLite's order of values of different kinds: NULL, numbers, text, anything else. */
function compareSqlite(a, b) {
  const rank = (v) => (v === null || v === undefined ? 0 : typeof v === 'string' ? 2 : typeof v === 'object' && !(v instanceof JsonNumber) ? 3 : 1);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 1) {
    const x = numericOf(a);
    const y = numericOf(b);
    if (x.int !== undefined && y.int !== undefined) return x.int < y.int ? -1 : x.int > y.int ? 1 : 0;
    const xf = x.int !== undefined ? Number(x.int) : x.real;
    const yf = y.int !== undefined ? Number(y.int) : y.real;
    return xf < yf ? -1 : xf > yf ? 1 : 0;
  }
  if (ra === 2) return strcmp(Buffer.from(a, 'utf8').toString('latin1'), Buffer.from(b, 'utf8').toString('latin1'));
  return strcmp(JSON.stringify(a), JSON.stringify(b));
}

/**
 * Orders rows by ORDER BY ordinal terms as SQLite would (NULLs first ascending); rows equal on
 * every term keep the order of their rendering. Returns the rows and whether such ties exist
 * between rows that render differently (then the expected order of those rows is SQLite's choice).
 */
export function orderRows(rows, terms, types) {
  const keyed = rows.map((row) => ({ row, text: renderRows([row], types).join('\n') }));
  let ambiguous = false;
  keyed.sort((x, y) => {
    for (const { column, desc, nullsFirst } of terms) {
      const a = x.row[column];
      const b = y.row[column];
      const an = a === null || a === undefined;
      const bn = b === null || b === undefined;
      if (an || bn) {
        if (an && bn) continue;
        return an === nullsFirst ? -1 : 1;
      }
      const d = compareSqlite(a, b);
      if (d !== 0) return desc ? -d : d;
    }
    if (x.text !== y.text) ambiguous = true;
    return strcmp(x.text, y.text);
  });
  return { rows: keyed.map((k) => k.row), ambiguous };
}

// ---------------------------------------------------------------------------------------------
// Comparing a result

/**
 * Compares a view's rows (arrays of column values in SELECT order) with a query record's
 * expectation, as sqllogictest does. Returns `{pass, actual, expected, note, ordering}`:
 * `actual`/`expected` as sqllogictest shows results (value list or hash line), `ordering` how
 * the row order was established.
 *
 * The view is an unordered multiset (Feldera ignores ORDER BY in views, and ORDER BY ... LIMIT
 * is an unordered top-k), so a `nosort` record is compared after the runner applies the query's
 * ORDER BY (output column ordinals) to the rows; with an ORDER BY it cannot apply, it is compared
 * as `rowsort` (possible only when the expected values are listed, not hashed).
 */
export function compareResult(record, rows, hashThreshold) {
  const { types, sortMode, expected } = record;
  const columns = types.length;
  let mode = sortMode;
  let ordering = sortMode;
  let ordered = rows;
  let ambiguous = false;
  let orderNote = null;
  if (sortMode !== 'rowsort' && sortMode !== 'valuesort') {
    const { terms } = outerOrderBy(record.sql);
    if (terms && !terms.unsupported && terms.every((t) => t.column >= 0 && t.column < columns)) {
      ({ rows: ordered, ambiguous } = orderRows(rows, terms, types));
      ordering = 'nosort: ORDER BY applied by the runner';
    } else {
      mode = 'rowsort';
      ordering = 'nosort compared as rowsort';
      orderNote = terms?.unsupported
        ? `the view is unordered and the runner cannot apply ORDER BY ${terms.unsupported}`
        : 'the view is unordered and the query has no ORDER BY';
    }
  }
  let actualValues = sortValues(renderRows(ordered, types), mode, columns);
  const actualHash = `${actualValues.length} values hashing to ${hashValues(actualValues)}`;
  if (expected.kind === 'hash') {
    const expectedText = `${expected.count} values hashing to ${expected.hash}`;
    const pass = actualHash === expectedText;
    let note = null;
    if (!pass && mode === 'rowsort' && sortMode === 'nosort') note = `${orderNote}; the expected result is a hash of SQLite's order`;
    else if (!pass && ambiguous) note = 'rows tie on every ORDER BY term, so their order is SQLite\'s choice';
    return { pass, actual: actualHash, actualValues: actualValues.slice(0, 60), expected: expectedText, note, ordering };
  }
  let expectedValues = expected.values;
  if (mode === 'rowsort' && sortMode === 'nosort') expectedValues = sortValues(expectedValues, 'rowsort', columns);
  let pass = sameList(actualValues, expectedValues);
  let note = orderNote;
  if (!pass && ambiguous) {
    // Rows that tie on the ORDER BY may come in any order: compare as multisets then.
    const a = sortValues(actualValues, 'rowsort', columns);
    const e = sortValues(expectedValues, 'rowsort', columns);
    if (sameList(a, e)) {
      pass = true;
      note = 'rows tie on every ORDER BY term; compared as rowsort';
      actualValues = expectedValues;
    }
  }
  return {
    pass,
    actual: resultText(actualValues, hashThreshold),
    actualValues: actualValues.slice(0, 60),
    expected: expectedValues.join('\n'),
    note,
    ordering,
  };
}

function sameList(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Replaying a view's output

/**
 * Replays the lines of a `file_output` file in `insert_delete` format (`{"insert": row}` /
 * `{"delete": row}`, one per line, in step order) into the view's contents: rows as arrays of
 * the values of `columns`, each repeated by its weight. Throws when a line is malformed, a row
 * lacks a column, or a row's weight ends negative.
 */
export function replayChanges(text, columns) {
  const weights = new Map();
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '') continue;
    const event = parseJsonLossless(line);
    if (event === null || typeof event !== 'object' || Array.isArray(event)) throw new Error(`line ${n + 1}: not a JSON object: ${line.slice(0, 200)}`);
    const sign = 'insert' in event ? 1 : 'delete' in event ? -1 : 0;
    if (sign === 0) throw new Error(`line ${n + 1}: neither "insert" nor "delete": ${line.slice(0, 200)}`);
    const row = sign > 0 ? event.insert : event.delete;
    const lower = new Map(Object.keys(row).map((k) => [k.toLowerCase(), k]));
    const values = columns.map((c) => {
      const key = c in row ? c : lower.get(c.toLowerCase());
      if (key === undefined) throw new Error(`line ${n + 1}: row has no column ${c}: ${line.slice(0, 200)}`);
      return row[key];
    });
    const id = JSON.stringify(values, function keep(key, v) {
      const original = this[key];
      return original instanceof JsonNumber ? `#${original.text}` : v;
    });
    const entry = weights.get(id) ?? { values, weight: 0 };
    entry.weight += sign;
    weights.set(id, entry);
  }
  const rows = [];
  for (const { values, weight } of weights.values()) {
    if (weight < 0) throw new Error(`row ${JSON.stringify(values)} ends with weight ${weight}`);
    for (let i = 0; i < weight; i++) rows.push(values);
  }
  return rows;
}
