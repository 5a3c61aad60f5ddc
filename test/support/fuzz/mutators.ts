/**
 * Mutators for the fuzzer: each takes valid program or input text and a seeded random source and
 * returns a nearby invalid (or surprisingly valid) variant, as bytes, since some mutants are not
 * UTF-8. Every choice comes from `random`, so a seed replays the same mutant.
 */

export type Random = () => number;

export interface Mutator {
  name: string;
  mutate(text: string, random: Random): Buffer;
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function int(random: Random, below: number): number {
  return Math.floor(random() * below);
}

/** Depths around each limit of src/limits.ts, and far past them. */
const DEPTHS = [2, 50, 127, 128, 129, 199, 200, 201, 999, 1000, 1001, 5000, 50_000];

function depth(random: Random): number {
  return pick(random, DEPTHS);
}

const HUGE_NUMBERS = [
  '9'.repeat(40), '9'.repeat(400), '1'.repeat(100_000), '1e999999', '-1e-999999', '1e308', '2e308',
  '9223372036854775808', '-9223372036854775809', '340282366920938463463374607431768211456',
  '0.' + '0'.repeat(1000) + '1', '-0', '0x7fffffffffffffff', '1.7976931348623157e309', '4294967296',
  '2147483648', '32768', '256', '1' + '0'.repeat(39), '99999999999999999999999999999999999999.99',
];

const WEIRD_TEXT = [
  '', ' ', 'a'.repeat(100_000), '\u0000', '\uFEFF', '\u202E', '"', "'", "''", '\\', '\\u0000', '\uD800',
  '😀', '--', '/*', '*/', ';', '\r\n', '\t', 'NULL', 'null', 'true', 'NaN', '-inf',
];

const SQL_WORDS = [
  'SELECT', 'FROM', 'WHERE', 'GROUP', 'BY', 'HAVING', 'ORDER', 'LIMIT', 'JOIN', 'LEFT', 'ON', 'AS',
  'CREATE', 'TABLE', 'VIEW', 'INDEX', 'WITH', 'MATERIALIZED', 'PRIMARY', 'KEY', 'NOT', 'NULL',
  'AND', 'OR', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'CAST', 'UNION', 'ALL', 'DISTINCT', 'IN',
  'EXISTS', 'IS', 'BETWEEN', 'LIKE', 'INT', 'BIGINT', 'VARCHAR', 'DECIMAL', 'DOUBLE', 'REAL', 'DATE',
  'TIMESTAMP', 'TIME', 'BOOLEAN', 'ARRAY', 'MAP', 'ROW', 'VARIANT', 'BINARY', 'UUID', 'INTERVAL',
  'TRUE', 'FALSE', 'COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'ABS', 'UPPER', 'COALESCE', 'OVER', 'LATERAL',
  'UNNEST', 'VALUES', 'INTERSECT', 'EXCEPT', 'OFFSET', 'CROSS', 'FULL', 'OUTER', 'RIGHT', 'USING',
];

const PUNCTUATION = ['(', ')', ',', ';', '.', '*', '+', '-', '/', '%', '=', '<>', '<', '>=', '||', '[', ']', "'", '"', '?', ':', '::', '@', '`'];

// ---- tokens -------------------------------------------------------------------------------------

interface Token {
  text: string;
  kind: 'space' | 'string' | 'quoted' | 'number' | 'word' | 'comment' | 'punct';
}

const TOKEN = /(\s+)|('(?:[^']|'')*'?)|("(?:[^"]|"")*"?)|(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_$]*)|(--[^\n]*)|([\s\S])/g;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const kind = m[1] !== undefined ? 'space' : m[2] !== undefined ? 'string' : m[3] !== undefined ? 'quoted'
      : m[4] !== undefined ? 'number' : m[5] !== undefined ? 'word' : m[6] !== undefined ? 'comment' : 'punct';
    tokens.push({ text: m[0], kind });
  }
  return tokens;
}

/** Indexes of the tokens that are not blanks. */
function solid(tokens: Token[], kinds?: Token['kind'][]): number[] {
  const out: number[] = [];
  tokens.forEach((t, i) => {
    if (t.kind !== 'space' && (kinds === undefined || kinds.includes(t.kind))) out.push(i);
  });
  return out;
}

function join(tokens: Token[]): string {
  return tokens.map((t) => t.text).join('');
}

function utf8(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

function tokenEdit(text: string, random: Random): string {
  const tokens = tokenize(text);
  const all = solid(tokens);
  if (all.length === 0) return text;
  const i = pick(random, all);
  switch (int(random, 6)) {
    case 0: // delete
      tokens.splice(i, 1);
      break;
    case 1: // duplicate
      tokens.splice(i, 0, { ...tokens[i]!, kind: 'punct' }, { text: ' ', kind: 'space' });
      break;
    case 2: { // swap with another
      const j = pick(random, all);
      const t = tokens[i]!;
      tokens[i] = tokens[j]!;
      tokens[j] = t;
      break;
    }
    case 3: { // replace a word with a keyword or another identifier of the program
      const words = solid(tokens, ['word']);
      if (words.length === 0) break;
      const w = pick(random, words);
      const others = words.map((k) => tokens[k]!.text);
      tokens[w] = { text: random() < 0.5 ? pick(random, SQL_WORDS) : pick(random, others), kind: 'word' };
      break;
    }
    case 4: { // replace a number
      const numbers = solid(tokens, ['number']);
      const n = numbers.length > 0 ? pick(random, numbers) : i;
      tokens[n] = { text: pick(random, [...HUGE_NUMBERS, '0', '-1', '1.5', '1e5', '38', '39', '65536']), kind: 'number' };
      break;
    }
    default: // insert punctuation
      tokens.splice(i, 0, { text: pick(random, PUNCTUATION), kind: 'punct' });
  }
  return join(tokens);
}

// ---- mutators over any text ---------------------------------------------------------------------

const byteFlips: Mutator = {
  name: 'byte-flips',
  mutate(text, random) {
    const bytes = Buffer.from(text, 'utf8');
    const count = 1 + int(random, 4);
    for (let k = 0; k < count && bytes.length > 0; k += 1) {
      const at = int(random, bytes.length);
      bytes[at] = random() < 0.5 ? bytes[at]! ^ (1 << int(random, 8)) : int(random, 256);
    }
    return bytes;
  },
};

const truncation: Mutator = {
  name: 'truncation',
  mutate(text, random) {
    const bytes = Buffer.from(text, 'utf8');
    return random() < 0.8 ? bytes.subarray(0, int(random, bytes.length + 1)) : bytes.subarray(int(random, bytes.length + 1));
  },
};

const invalidUtf8: Mutator = {
  name: 'invalid-utf8',
  mutate(text, random) {
    const bytes = Buffer.from(text, 'utf8');
    const bad = pick(random, [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80], [0x00], [0xef, 0xbb, 0xbf], [0x80, 0x80]]);
    const at = int(random, bytes.length + 1);
    return Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]);
  },
};

const tokenEdits: Mutator = {
  name: 'token-edits',
  mutate(text, random) {
    let out = text;
    const count = 1 + int(random, 3);
    for (let k = 0; k < count; k += 1) out = tokenEdit(out, random);
    return utf8(out);
  },
};

const spliceText: Mutator = {
  name: 'weird-text',
  mutate(text, random) {
    const at = int(random, text.length + 1);
    return utf8(text.slice(0, at) + pick(random, WEIRD_TEXT) + text.slice(at));
  },
};

// ---- SQL-aware mutators -------------------------------------------------------------------------

/** Wraps one operand of a view's query (a word or number after AS/SELECT) in `levels` of nesting. */
function wrapExpression(operand: string, levels: number, random: Random): string {
  const style = int(random, 7);
  switch (style) {
    case 0: return '('.repeat(levels) + operand + ')'.repeat(levels);
    case 1: return '-'.repeat(levels).split('').join(' ') + ' ' + operand;
    case 2: return 'NOT '.repeat(levels) + operand;
    case 3: return 'ABS('.repeat(levels) + operand + ')'.repeat(levels);
    case 4: return 'CASE WHEN TRUE THEN '.repeat(levels) + operand + ' END'.repeat(levels);
    case 5: return `${operand}${' + 1'.repeat(levels)}`;
    default: return '(SELECT '.repeat(levels) + operand + ')'.repeat(levels);
  }
}

const nestExpression: Mutator = {
  name: 'nest-expression',
  mutate(text, random) {
    const tokens = tokenize(text);
    const select = tokens.findIndex((t) => /^select$/i.test(t.text));
    const candidates = solid(tokens, ['word', 'number']).filter((i) => select === -1 || i > select);
    if (candidates.length === 0) return utf8(text);
    const i = pick(random, candidates);
    tokens[i] = { text: wrapExpression(tokens[i]!.text, depth(random), random), kind: 'punct' };
    return utf8(join(tokens));
  },
};

const TYPE_WORDS = /^(INT|INTEGER|BIGINT|SMALLINT|TINYINT|VARCHAR|DOUBLE|REAL|DECIMAL|DATE|TIMESTAMP|BOOLEAN|VARIANT)$/i;

const nestType: Mutator = {
  name: 'nest-type',
  mutate(text, random) {
    const tokens = tokenize(text);
    const types = solid(tokens, ['word']).filter((i) => TYPE_WORDS.test(tokens[i]!.text));
    if (types.length === 0) return utf8(text);
    const i = pick(random, types);
    const base = tokens[i]!.text;
    const levels = depth(random);
    const style = int(random, 3);
    const nested = style === 0 ? base + ' ARRAY'.repeat(levels)
      : style === 1 ? 'MAP<VARCHAR, '.repeat(levels) + base + '>'.repeat(levels)
        : 'ROW(f '.repeat(levels) + base + ')'.repeat(levels);
    tokens[i] = { text: nested, kind: 'punct' };
    return utf8(join(tokens));
  },
};

const hugeIdentifier: Mutator = {
  name: 'huge-identifier',
  mutate(text, random) {
    const tokens = tokenize(text);
    const words = solid(tokens, ['word']);
    if (words.length === 0) return utf8(text);
    const name = tokens[pick(random, words)]!.text;
    const huge = pick(random, ['x'.repeat(100_000), `"${'q'.repeat(70_000)}"`, `"${'é'.repeat(5_000)}"`, '"\u0000"', '""', `"${'"'.repeat(0)}a""b"`]);
    const everywhere = random() < 0.5;
    let done = false;
    return utf8(tokens.map((t) => {
      if (t.kind === 'word' && t.text === name && (everywhere || !done)) {
        done = true;
        return huge;
      }
      return t.text;
    }).join(''));
  },
};

// ---- connector JSON mutators --------------------------------------------------------------------

/** The `'connectors' = '...'` literals of a program: start and end of the JSON inside the quotes. */
function connectorLiterals(text: string): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  const re = /'connectors'\s*=\s*'((?:[^']|'')*)'/g;
  for (const m of text.matchAll(re)) {
    const start = m.index + m[0].length - m[1]!.length - 1;
    out.push({ start, end: start + m[1]!.length });
  }
  return out;
}

const WRONG_VALUES: unknown[] = [
  null, true, false, 0, -1, 1.5, 1e308, '', 'x', 'a'.repeat(10_000), [], [1, 'a'], {}, { a: {} },
  9007199254740993, '../../../../etc/passwd', '/dev/null', '/dev/zero', 'no such file.json',
];

/** Every path to a value inside `value`, including the root. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  }
  return out;
}

function setAt(root: unknown, path: Array<string | number>, replace: (old: unknown) => unknown): unknown {
  if (path.length === 0) return replace(root);
  const [head, ...rest] = path;
  const container = root as Record<string | number, unknown>;
  container[head!] = setAt(container[head!], rest, replace);
  return root;
}

function deepJson(inner: string, levels: number, random: Random): string {
  return random() < 0.5 ? '['.repeat(levels) + inner + ']'.repeat(levels) : '{"a":'.repeat(levels) + inner + '}'.repeat(levels);
}

/** Structural edits of a JSON value: wrong types, removed or added keys, deep nesting. */
export function mutateJsonValue(value: unknown, random: Random, extraKeys: readonly string[]): string {
  const all = paths(value);
  const path = pick(random, all);
  const choice = int(random, 5);
  if (choice === 0 && path.length > 0) { // remove a key or element
    const parentPath = path.slice(0, -1);
    setAt(value, parentPath, (parent) => {
      if (Array.isArray(parent)) parent.splice(path[path.length - 1] as number, 1);
      else if (parent !== null && typeof parent === 'object') delete (parent as Record<string, unknown>)[path[path.length - 1]!];
      return parent;
    });
    return JSON.stringify(value);
  }
  if (choice === 1) { // add an unknown or known option with a wrong value
    setAt(value, path, (old) => {
      if (old !== null && typeof old === 'object' && !Array.isArray(old)) {
        (old as Record<string, unknown>)[pick(random, extraKeys)] = pick(random, WRONG_VALUES);
        return old;
      }
      return pick(random, WRONG_VALUES);
    });
    return JSON.stringify(value);
  }
  if (choice === 2) { // nest deeply
    const marker = '"\u0001NEST\u0001"';
    setAt(value, path, () => '\u0001NEST\u0001');
    const inner = JSON.stringify(value);
    return inner.replace(marker, deepJson('1', depth(random), random));
  }
  if (choice === 3) { // a huge number
    const marker = '"\u0001NUM\u0001"';
    setAt(value, path, () => '\u0001NUM\u0001');
    return JSON.stringify(value).replace(marker, pick(random, HUGE_NUMBERS.filter((n) => !n.startsWith('0x'))));
  }
  // replace with a value of another type
  setAt(value, path, () => pick(random, WRONG_VALUES));
  return JSON.stringify(value);
}

const CONNECTOR_KEYS = [
  'transport', 'format', 'name', 'config', 'path', 'update_format', 'array', 'follow', 'index', 'table',
  'region', 'headers', 'delimiter', 'quote', 'escape', 'flavor', 'max_batch_size', 'threads', 'mode',
  'endpoint_url', 'enable_output_buffer', 'max_queued_records', 'paused', 'labels', 'start_after', 'bogus',
];

const connectorJson: Mutator = {
  name: 'connector-json',
  mutate(text, random) {
    const literals = connectorLiterals(text);
    if (literals.length === 0) return utf8(tokenEdit(text, random));
    const { start, end } = pick(random, literals);
    const inner = text.slice(start, end).replaceAll("''", "'");
    let mutated: string;
    if (random() < 0.35) {
      // Broken JSON: a raw edit of its text.
      const at = int(random, inner.length + 1);
      mutated = pick(random, [
        () => inner.slice(0, at),
        () => inner.slice(0, at) + pick(random, ['{', '}', '[', ']', ',', ':', '"', '\\', '//', '/*', 'NaN', '\\u', '\\ud800']) + inner.slice(at),
        () => inner.slice(0, at) + inner.slice(at + 1 + int(random, 5)),
        () => inner.replace(/"(\w+)":/, '"$1": 1, "$1":'),
      ])();
    } else {
      let value: unknown;
      try {
        value = JSON.parse(inner);
      } catch {
        value = inner;
      }
      mutated = mutateJsonValue(value, random, CONNECTOR_KEYS);
    }
    return utf8(text.slice(0, start) + mutated.replaceAll("'", "''") + text.slice(end));
  },
};

export const PROGRAM_MUTATORS: Mutator[] = [
  byteFlips, truncation, invalidUtf8, tokenEdits, tokenEdits, spliceText, nestExpression, nestType,
  hugeIdentifier, connectorJson, connectorJson,
];

// ---- input file mutators ------------------------------------------------------------------------

const INPUT_KEYS = ['insert', 'delete', 'update', 'id', 'name', 'score', 'amount', 'op', 'data', 'before', 'after', 'bogus'];

const jsonRecord: Mutator = {
  name: 'json-record',
  mutate(text, random) {
    const lines = text.split('\n');
    const candidates = lines.map((l, i) => i).filter((i) => lines[i]!.trim() !== '');
    if (candidates.length === 0) return utf8(text);
    const i = pick(random, candidates);
    let value: unknown;
    try {
      value = JSON.parse(lines[i]!);
    } catch {
      return utf8(tokenEdit(text, random));
    }
    lines[i] = mutateJsonValue(value, random, INPUT_KEYS);
    return utf8(lines.join('\n'));
  },
};

const csvField: Mutator = {
  name: 'csv-field',
  mutate(text, random) {
    const lines = text.split('\n');
    const i = int(random, lines.length);
    const fields = lines[i]!.split(',');
    const f = int(random, fields.length);
    const replacement = pick(random, [
      ...HUGE_NUMBERS, ...WEIRD_TEXT, '"unclosed', '"a""b"', '0x', '0xZZ', 'inf', '-infinity', '2024-13-45',
      '2024-01-01 25:61:61', deepJson('1', depth(random), random), `"${deepJson('1', depth(random), random).replaceAll('"', '""')}"`,
      ',,,,,,,,,,', '',
    ]);
    if (random() < 0.2) fields.splice(f, 1);
    else fields[f] = replacement;
    lines[i] = fields.join(',');
    return utf8(lines.join('\n'));
  },
};

const lineEdits: Mutator = {
  name: 'line-edits',
  mutate(text, random) {
    const lines = text.split('\n');
    const i = int(random, lines.length);
    switch (int(random, 4)) {
      case 0: lines.splice(i, 0, ...Array.from({ length: 1 + int(random, 50) }, () => lines[i]!)); break;
      case 1: lines.splice(i, 1); break;
      case 2: lines[i] = lines[i]!.replace(/\r?$/, '\r'); break;
      default: lines[i] = deepJson(lines[i]! || '1', depth(random), random);
    }
    return utf8(lines.join('\n'));
  },
};

export const INPUT_MUTATORS: Mutator[] = [
  byteFlips, truncation, invalidUtf8, tokenEdits, spliceText, jsonRecord, jsonRecord, csvField, lineEdits,
];
