// Turning sqllogictest statements into a Feldera program: SQLite CREATE TABLE into Feldera DDL,
// INSERT ... VALUES into JSON input events, queries into views with a file_output connector; and
// the query rewrites that re-evaluate a query under SQLite's rule where Feldera documents a
// different one (integer AVG, division by zero).

export class Unsupported extends Error {}

// ---------------------------------------------------------------------------------------------
// Tokens

const TOKEN = /\s+|--[^\n]*|\/\*[\s\S]*?\*\/|[xX]'(?:[^']*)'|'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|[A-Za-z_][A-Za-z_0-9$]*|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|<>|<=|>=|!=|==|\|\||::|./gy;

/** SQL tokens with their offsets: `{type: 'ident'|'qident'|'string'|'blob'|'number'|'punct', text, start, end}`. */
export function tokenize(sql) {
  const out = [];
  TOKEN.lastIndex = 0;
  let m;
  while (TOKEN.lastIndex < sql.length && (m = TOKEN.exec(sql)) !== null) {
    const text = m[0];
    const start = m.index;
    const end = start + text.length;
    if (/^\s/.test(text) || text.startsWith('--') || text.startsWith('/*')) continue;
    let type = 'punct';
    if (/^[xX]'/.test(text)) type = 'blob';
    else if (text[0] === "'") type = 'string';
    else if (text[0] === '"' || text[0] === '`' || text[0] === '[') type = 'qident';
    else if (/^[A-Za-z_]/.test(text)) type = 'ident';
    else if (/^[\d.]/.test(text) && text !== '.') type = 'number';
    out.push({ type, text, start, end });
  }
  return out;
}

const isWord = (tok, word) => tok !== undefined && tok.type === 'ident' && tok.text.toUpperCase() === word;

/** The canonical (Feldera) name of an identifier token: unquoted names fold to lower case. */
function identName(tok) {
  if (tok.type === 'ident') return tok.text.toLowerCase();
  if (tok.type === 'qident') {
    const inner = tok.text.slice(1, -1);
    return tok.text[0] === '"' ? inner.replaceAll('""', '"') : inner;
  }
  throw new Unsupported(`expected a name, found ${tok.text}`);
}

/** How a name is written in the generated program. */
export function quoteName(name) {
  return /^[a-z_][a-z_0-9]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** Index of the token closing the parenthesis opened at `open`. */
function closing(tokens, open) {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i].text === '(') depth++;
    else if (tokens[i].text === ')' && --depth === 0) return i;
  }
  throw new Unsupported('unbalanced parentheses');
}

/** Splits tokens[from, to) at top-level commas. */
function splitCommas(tokens, from, to) {
  const parts = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < to; i++) {
    const t = tokens[i].text;
    if (t === '(') depth++;
    else if (t === ')') depth--;
    else if (t === ',' && depth === 0) {
      parts.push(tokens.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(tokens.slice(start, to));
  return parts;
}

// ---------------------------------------------------------------------------------------------
// CREATE TABLE

const COLUMN_CONSTRAINT = new Set(['CONSTRAINT', 'PRIMARY', 'NOT', 'NULL', 'UNIQUE', 'CHECK', 'DEFAULT', 'COLLATE', 'REFERENCES', 'GENERATED', 'AS']);

/** A SQLite column type as a Feldera type, by SQLite's affinity rules where Feldera has no such name. */
export function felderaType(sqliteType) {
  const t = sqliteType.toUpperCase().replace(/\s+/g, ' ').trim();
  if (t === '') return { type: 'VARCHAR', note: 'untyped column declared VARCHAR' };
  if (/^(INT|INTEGER|MEDIUMINT|INT4)$/.test(t)) return { type: 'INT' };
  if (/^(BIGINT|INT8|UNSIGNED BIG INT)$/.test(t)) return { type: 'BIGINT' };
  if (/^(SMALLINT|INT2)$/.test(t)) return { type: 'SMALLINT' };
  if (t === 'TINYINT') return { type: 'TINYINT' };
  if (/^(BOOLEAN|BOOL)$/.test(t)) return { type: 'BOOLEAN' };
  if (/^(REAL|DOUBLE|DOUBLE PRECISION|FLOAT|FLOAT8|FLOAT4)$/.test(t)) return { type: 'DOUBLE' };
  if (/^(DECIMAL|NUMERIC)\b/.test(t)) return { type: t.replace(/^NUMERIC/, 'DECIMAL').replace(/\s+/g, '') };
  if (/CHAR|CLOB|TEXT|STRING/.test(t)) return { type: 'VARCHAR' };
  if (/^(DATE|TIME|TIMESTAMP|BLOB|VARBINARY|BINARY)/.test(t)) return { type: t === 'BLOB' ? 'VARBINARY' : t };
  if (t.includes('INT')) return { type: 'BIGINT', note: `type ${sqliteType} (INTEGER affinity) declared BIGINT` };
  return { type: t };
}

/**
 * Parses a SQLite CREATE TABLE. Returns `{name, columns: [{name, type, notNull, primaryKey,
 * defaultSql}], primaryKey: [names] | null, notes}`; constraints Feldera has no use for
 * (UNIQUE, CHECK, REFERENCES, COLLATE) are dropped and listed in `notes`.
 */
export function parseCreateTable(sql) {
  const t = tokenize(sql);
  let i = 0;
  if (!isWord(t[i++], 'CREATE')) throw new Unsupported('not a CREATE TABLE');
  if (isWord(t[i], 'TEMP') || isWord(t[i], 'TEMPORARY')) i++;
  if (!isWord(t[i++], 'TABLE')) throw new Unsupported('not a CREATE TABLE');
  if (isWord(t[i], 'IF')) i += 3;
  const name = identName(t[i++]);
  if (t[i]?.text !== '(') throw new Unsupported('CREATE TABLE ... AS SELECT is not translated');
  const close = closing(t, i);
  const notes = [];
  const columns = [];
  let primaryKey = null;
  for (const part of splitCommas(t, i + 1, close)) {
    if (part.length === 0) continue;
    let k = 0;
    if (isWord(part[0], 'CONSTRAINT')) k = 2;
    if (isWord(part[k], 'PRIMARY') && isWord(part[k + 1], 'KEY')) {
      const open = k + 2;
      primaryKey = splitCommas(part, open + 1, closing(part, open)).map((p) => identName(p[0]));
      continue;
    }
    if (isWord(part[k], 'UNIQUE') || isWord(part[k], 'CHECK') || isWord(part[k], 'FOREIGN')) {
      notes.push(`dropped table constraint ${part.map((x) => x.text).join(' ')}`);
      continue;
    }
    const column = { name: identName(part[0]), type: '', notNull: false, primaryKey: false, defaultSql: null };
    let j = 1;
    const typeTokens = [];
    while (j < part.length && !(part[j].type === 'ident' && COLUMN_CONSTRAINT.has(part[j].text.toUpperCase()))) {
      if (part[j].text === '(') {
        const end = closing(part, j);
        typeTokens.push(part.slice(j, end + 1).map((x) => x.text).join(''));
        j = end + 1;
      } else typeTokens.push(part[j++].text);
    }
    const sqliteType = typeTokens.join(' ').replace(/ \(/g, '(');
    const mapped = felderaType(sqliteType);
    column.type = mapped.type;
    if (mapped.note) notes.push(`${column.name}: ${mapped.note}`);
    while (j < part.length) {
      const word = part[j].text.toUpperCase();
      if (word === 'CONSTRAINT') j += 2;
      else if (word === 'PRIMARY' && isWord(part[j + 1], 'KEY')) {
        column.primaryKey = true;
        j += 2;
        while (j < part.length && (isWord(part[j], 'ASC') || isWord(part[j], 'DESC') || isWord(part[j], 'AUTOINCREMENT'))) j++;
        if (isWord(part[j], 'ON') && isWord(part[j + 1], 'CONFLICT')) j += 3;
      } else if (word === 'NOT' && isWord(part[j + 1], 'NULL')) {
        column.notNull = true;
        j += 2;
        if (isWord(part[j], 'ON') && isWord(part[j + 1], 'CONFLICT')) j += 3;
      } else if (word === 'NULL') j++;
      else if (word === 'DEFAULT') {
        const start = j + 1;
        let end = start;
        if (part[end]?.text === '(') end = closing(part, end) + 1;
        else {
          if (part[end]?.text === '-' || part[end]?.text === '+') end++;
          end++;
        }
        column.defaultSql = sql.slice(part[start].start, part[end - 1].end);
        j = end;
      } else if (word === 'UNIQUE' || word === 'COLLATE') {
        notes.push(`${column.name}: dropped ${word}`);
        j += word === 'COLLATE' ? 2 : 1;
      } else if (word === 'CHECK' && part[j + 1]?.text === '(') {
        notes.push(`${column.name}: dropped CHECK`);
        j = closing(part, j + 1) + 1;
      } else {
        notes.push(`${column.name}: dropped ${part.slice(j).map((x) => x.text).join(' ')}`);
        break;
      }
    }
    columns.push(column);
  }
  if (columns.length === 0) throw new Unsupported('CREATE TABLE without columns');
  return { name, columns, primaryKey, notes };
}

/** The Feldera CREATE TABLE for a parsed table, with its connectors property text. */
export function tableDdl(table, connectorsJson) {
  const cols = table.columns.map((c) => {
    let def = `${quoteName(c.name)} ${c.type}`;
    if (c.notNull) def += ' NOT NULL';
    if (c.primaryKey) def += ' PRIMARY KEY';
    if (c.defaultSql !== null) def += ` DEFAULT ${c.defaultSql}`;
    return def;
  });
  if (table.primaryKey) cols.push(`PRIMARY KEY (${table.primaryKey.map(quoteName).join(', ')})`);
  return `CREATE TABLE ${quoteName(table.name)} (${cols.join(', ')}) WITH ('connectors' = '${sqlString(connectorsJson)}');`;
}

function sqlString(text) {
  return text.replaceAll("'", "''");
}

// ---------------------------------------------------------------------------------------------
// INSERT

/**
 * Parses `INSERT INTO t [(cols)] VALUES (...), ...` whose values are literals. Returns
 * `{table, columns: [names] | null, rows: [[literal]]}`, a literal being `{kind: 'null'}`,
 * `{kind: 'number', text}`, `{kind: 'string', value}` or `{kind: 'bool', value}`.
 */
export function parseInsert(sql) {
  const t = tokenize(sql);
  let i = 0;
  if (!isWord(t[i], 'INSERT') && !isWord(t[i], 'REPLACE')) throw new Unsupported('not an INSERT');
  i++;
  if (isWord(t[i], 'OR')) i += 2;
  if (!isWord(t[i++], 'INTO')) throw new Unsupported('not an INSERT INTO');
  const table = identName(t[i++]);
  let columns = null;
  if (t[i]?.text === '(') {
    const close = closing(t, i);
    columns = splitCommas(t, i + 1, close).map((p) => identName(p[0]));
    i = close + 1;
  }
  if (!isWord(t[i++], 'VALUES')) throw new Unsupported('INSERT without VALUES (e.g. INSERT ... SELECT) is not translated');
  const rows = [];
  while (i < t.length) {
    if (t[i].text !== '(') throw new Unsupported(`unexpected ${t[i].text} in VALUES`);
    const close = closing(t, i);
    rows.push(splitCommas(t, i + 1, close).map(literal));
    i = close + 1;
    if (t[i]?.text === ',') i++;
    else if (t[i]?.text === ';') i++;
  }
  return { table, columns, rows };
}

function literal(tokens) {
  const text = tokens.map((x) => x.text).join('');
  if (tokens.length === 1) {
    const [tok] = tokens;
    if (isWord(tok, 'NULL')) return { kind: 'null' };
    if (isWord(tok, 'TRUE') || isWord(tok, 'FALSE')) return { kind: 'bool', value: isWord(tok, 'TRUE') };
    if (tok.type === 'string') return { kind: 'string', value: tok.text.slice(1, -1).replaceAll("''", "'") };
    if (tok.type === 'number') return { kind: 'number', text: tok.text };
  }
  if (tokens.length === 2 && (tokens[0].text === '-' || tokens[0].text === '+') && tokens[1].type === 'number') {
    return { kind: 'number', text: tokens[0].text === '-' ? `-${tokens[1].text}` : tokens[1].text };
  }
  throw new Unsupported(`INSERT value ${text} is not a literal`);
}

/** A numeric literal as JSON number text (`+5` → `5`, `.5` → `0.5`, `5.` → `5.0`). */
function jsonNumber(text) {
  let s = text.replace(/^\+/, '');
  const neg = s.startsWith('-');
  if (neg) s = s.slice(1);
  if (s.startsWith('.')) s = `0${s}`;
  s = s.replace(/\.(?=[eE]|$)/, '.0');
  s = s.replace(/^0+(?=\d)/, '');
  return `${neg ? '-' : ''}${s}`;
}

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const REAL_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/**
 * A literal as the JSON text of the value SQLite would store in a column of this (Feldera)
 * type: SQLite's type affinity turns numeric text into numbers in numeric columns and numbers
 * into text in text columns.
 */
export function jsonValue(lit, type) {
  const numeric = /^(INT|BIGINT|SMALLINT|TINYINT|DOUBLE|REAL|DECIMAL)/.test(type);
  const textual = type === 'VARCHAR';
  switch (lit.kind) {
    case 'null': return 'null';
    case 'bool': return numeric ? (lit.value ? '1' : '0') : String(lit.value);
    case 'number': {
      const n = jsonNumber(lit.text);
      if (textual) return JSON.stringify(/^-?\d+$/.test(n) ? BigInt(n).toString() : realText(Number(n)));
      if (type === 'BOOLEAN') return Number(n) !== 0 ? 'true' : 'false';
      if (/^(INT|BIGINT|SMALLINT|TINYINT)$/.test(type) && /[.eE]/.test(n) && Number.isInteger(Number(n))) return BigInt(Number(n)).toString();
      return n;
    }
    case 'string':
      if (numeric && INTEGER_TEXT.test(lit.value)) return jsonNumber(lit.value.trim());
      if (numeric && REAL_TEXT.test(lit.value)) return jsonValue({ kind: 'number', text: lit.value.trim() }, type);
      return JSON.stringify(lit.value);
    default:
      throw new Unsupported(`literal ${JSON.stringify(lit)}`);
  }
}

function realText(x) {
  // SQLite's text of a REAL (%!.15g).
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return `${x}.0`;
  return String(Number(x.toPrecision(15)));
}

// ---------------------------------------------------------------------------------------------
// Program

/** The JSON of a connectors property: one file connector in JSON insert_delete format. */
export function fileConnector(transport, path) {
  return JSON.stringify([{
    transport: { name: transport, config: { path } },
    format: { name: 'json', config: { update_format: 'insert_delete' } },
  }]);
}

/** A query's text as a view body: no trailing semicolon. */
export function viewQuery(sql) {
  return sql.trim().replace(/;\s*$/, '').trimEnd();
}

/**
 * The program: the tables' DDL, then one view per query, each `CREATE VIEW name (c0, ...)` with
 * a file_output connector (none with `connectors: false`), starting on its own line. Returns `{text, spans}` where `spans`
 * gives each view's first and last line (1-based) in the text.
 */
export function buildProgram(header, tables, views, { connectors = true } = {}) {
  const lines = [`-- ${header}`];
  for (const table of tables) lines.push(table.ddl);
  const spans = [];
  for (const view of views) {
    const start = lines.length + 1;
    const cols = Array.from({ length: view.columnCount }, (_, c) => `c${c}`).join(', ');
    const body = viewQuery(view.sql);
    const withClause = connectors ? ` WITH ('connectors' = '${sqlString(fileConnector('file_output', view.outPath))}')` : '';
    lines.push(`CREATE VIEW ${view.name} (${cols})${withClause} AS`);
    lines.push(...`${body};`.split('\n'));
    spans.push({ name: view.name, start, end: lines.length });
  }
  return { text: `${lines.join('\n')}\n`, spans };
}

// ---------------------------------------------------------------------------------------------
// Rewrites that apply SQLite's rule where Feldera documents another

function applyEdits(sql, edits) {
  // edits: [{at, text, order}] inserted at offsets; at equal offsets, by order.
  const sorted = [...edits].sort((a, b) => a.at - b.at || a.order - b.order);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    out += sql.slice(pos, e.at) + e.text;
    pos = e.at;
  }
  return out + sql.slice(pos);
}

/**
 * `AVG(x)` → `AVG(CAST(x AS DOUBLE))` (keeping ALL/DISTINCT): SQLite's AVG of integers is a
 * float, Feldera's integer AVG truncates. `null` when the query has no AVG.
 */
export function avgAsDouble(sql) {
  const t = tokenize(sql);
  const edits = [];
  let n = 0;
  for (let i = 0; i < t.length - 1; i++) {
    if (!isWord(t[i], 'AVG') || t[i + 1].text !== '(') continue;
    const close = closing(t, i + 1);
    let first = i + 2;
    if (isWord(t[first], 'ALL') || isWord(t[first], 'DISTINCT')) first++;
    if (first >= close) continue;
    edits.push({ at: t[first].start, text: 'CAST(', order: n++ });
    edits.push({ at: t[close - 1].end, text: ' AS DOUBLE)', order: -n });
  }
  return edits.length === 0 ? null : applyEdits(sql, edits);
}

/** End index (inclusive) of the unary expression starting at token i: signs, then a primary. */
function unaryEnd(t, i) {
  while (i < t.length && (t[i].text === '-' || t[i].text === '+' || t[i].text === '~')) i++;
  const tok = t[i];
  if (tok === undefined) throw new Unsupported('operand missing');
  if (tok.text === '(') return closing(t, i);
  if (isWord(tok, 'CASE')) {
    let depth = 0;
    for (let j = i; j < t.length; j++) {
      if (isWord(t[j], 'CASE')) depth++;
      else if (isWord(t[j], 'END') && --depth === 0) return j;
    }
    throw new Unsupported('CASE without END');
  }
  if ((tok.type === 'ident' || tok.type === 'qident') && t[i + 1]?.text === '(') return closing(t, i + 1);
  let j = i;
  while ((t[j].type === 'ident' || t[j].type === 'qident') && t[j + 1]?.text === '.' && t[j + 2] !== undefined) j += 2;
  return j;
}

/** Every right operand of `/` and `%` replaced by `wrap(operand)`, inner divisions first. */
function rewriteDivisions(sql, wrap) {
  const t = tokenize(sql);
  let out = '';
  let pos = 0;
  let changed = false;
  for (let i = 0; i < t.length - 1; i++) {
    if (t[i].type !== 'punct' || (t[i].text !== '/' && t[i].text !== '%')) continue;
    const end = unaryEnd(t, i + 1);
    const operand = sql.slice(t[i + 1].start, t[end].end);
    out += sql.slice(pos, t[i + 1].start) + wrap(rewriteDivisions(operand, wrap) ?? operand);
    pos = t[end].end;
    i = end;
    changed = true;
  }
  return changed ? out + sql.slice(pos) : null;
}

/**
 * Every `a / b` and `a % b` as `a / NULLIF(b, 0)`: SQLite's division by zero gives NULL, Feldera's
 * fails at run time. `null` when the query divides nothing.
 */
export function nullSafeDivision(sql) {
  return rewriteDivisions(sql, (b) => `NULLIF(${b}, 0)`);
}

/**
 * Every `a / b` and `a % b` with a divisor of 0 replaced by 7: compared with nullSafeDivision,
 * tells whether a zero divisor changes the query's result on the data at hand.
 */
export function sentinelDivision(sql) {
  return rewriteDivisions(sql, (b) => `CASE WHEN (${b}) = 0 THEN 7 ELSE (${b}) END`);
}
