#!/usr/bin/env node
// `npm run test:slt`: the sqllogictest conformance runner. See USAGE below.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine } from './engine.mjs';
import { compareResult, parseSlt } from './slt-lib.mjs';
import {
  avgAsDouble, fileConnector, jsonValue, nullSafeDivision, parseCreateTable, parseInsert, sentinelDivision, tableDdl, tokenize,
  Unsupported,
} from './sql-rewrite.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const USAGE = `Usage: npm run test:slt -- [PATH] [options]
       node scripts/slt/run.mjs [PATH] [options]

Runs sqllogictest files against dynaview. Each file's tables become tables fed by file_input
(JSON insert events), each query a view written by file_output; all queries that see the same
table contents run in one program (split into chunks). The view's rows are compared the way
sqllogictest compares: values rendered per type letter (I: integer, R: %.3f, T: text, NULL,
(empty)), sorted per sort mode, value list or MD5 hash.

PATH is a .test file or a folder of them (default: ../shared/slt beside the project).

Options:
  --file NAME        only files whose name contains NAME (repeatable)
  --limit N          at most N queries per file (the first N that run for dynaview)
  --line N           only the query whose record starts at line N (repeatable; with --file)
  --jobs N           programs run in parallel (default 2)
  --chunk N          at most N views per program (default 100)
  --timeout SEC      a program of several views running longer is stopped, and its views are
                     run in small groups, then alone (default 120)
  --view-timeout SEC a program of one view running longer is stopped; the view counts as a
                     run-time error "timed out" (default 30)
  --verbose          list every query that did not pass, with its SQL and results
  --report FILE      JSON report (default: <os tmpdir>/slt-report.json)
  --fail-under PCT   exit 1 when fewer than PCT % of the queries pass
  --cli FILE         the dynaview CLI to run (default: a copy of dist/ taken when the run starts,
                     so that a rebuild meanwhile changes nothing; --cli implies --no-build)
  --dist DIR         the dist/ whose compiler checks each view in-process first, for exact
                     refusal codes (default: the CLI's own; without one, the CLI's messages)
  --no-build         do not build dist/ first (default: build with tsc -p tsconfig.json)
  --keep             keep the temporary directory with the generated programs
  --help             this text

Each query ends in one category:
  pass        the result matches SQLite's
  difference  it fails because of a documented Feldera difference, shown by a checkable rule:
              the run-time error is a division by zero (SQLite: NULL), an integer overflow
              (INT is 32-bit; SQLite 64-bit) or a scalar subquery with several rows, or the
              result is wrong only because integer AVG truncates. The runner re-runs the query
              with SQLite's rule made explicit (x / NULLIF(y, 0), BIGINT columns, AVG over
              DOUBLE): when that matches, the difference is confirmed; when it runs but still
              differs, the query counts as wrong. Never counted as a pass.
  wrong       the result differs (expected and actual shown with --verbose)
  refused     the program was rejected: SQL_NOT_SUPPORTED, SQL_INVALID, SQL_SYNTAX_ERROR, ...
  runtime     the run failed on this view (error not explained by a documented difference)
  not run     the runner could not run it (an untranslatable statement, unreadable output)
Records excluded by skipif/onlyif (the engine is named "dynaview") are counted as skipped.

nosort records: a view is an unordered multiset (Feldera ignores ORDER BY in views), so the
runner applies the query's ORDER BY itself when its terms are output column ordinals; other
nosort queries are compared as rowsort.

Exit codes: 0 the run completed (whatever the pass rate); 1 --fail-under not reached;
2 usage error, the build failed or the run could not complete.`;

const CATEGORIES = ['pass', 'difference', 'wrong', 'refused', 'runtime', 'not run'];

const REASONS = {
  div0: {
    reason: "division by zero: SQLite's x / 0 and x % 0 are NULL, Feldera's are run-time errors (feldera-sql-facts §5.4)",
    variant: 'x / y and x % y rewritten x / NULLIF(y, 0)',
  },
  div0step: {
    reason: 'division by zero in a step before all input arrived: the final result is SQLite\'s whether x / 0 is NULL or x / 7, so the zero divisor '
      + 'came from an intermediate state, e.g. a global aggregate over a table whose input had not arrived yet, which Feldera evaluates as its '
      + 'zero row (COUNT = 0, feldera-sql-facts §2); a division by zero fails the run (§5.4, §5.12)',
    variant: 'x / y and x % y rewritten x / NULLIF(y, 0)',
  },
  int32: {
    reason: "integer overflow: INTEGER is Feldera's 32-bit INT and overflow is a run-time error; SQLite's integers are 64-bit (feldera-sql-facts §5.2, §5.4)",
    variant: 'INT columns declared BIGINT',
  },
  avg: {
    reason: "integer AVG: Feldera's AVG of integers truncates to an integer, SQLite's is a float (feldera-sql-facts §2, §5.1)",
    variant: 'AVG(x) rewritten AVG(CAST(x AS DOUBLE))',
  },
  subquery: {
    reason: 'a scalar subquery returning more than one row is a run-time error in Feldera; SQLite takes its first row (feldera-sql-facts §1, §5.12)',
    variant: null,
  },
};

function usageError(message) {
  process.stderr.write(`test:slt: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function parseOptions(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        file: { type: 'string', multiple: true },
        limit: { type: 'string' },
        line: { type: 'string', multiple: true },
        jobs: { type: 'string', default: '2' },
        chunk: { type: 'string', default: '100' },
        timeout: { type: 'string', default: '120' },
        'view-timeout': { type: 'string', default: '30' },
        verbose: { type: 'boolean', default: false },
        report: { type: 'string' },
        'fail-under': { type: 'string' },
        cli: { type: 'string' },
        dist: { type: 'string' },
        'no-build': { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    usageError(error.message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (positionals.length > 1) usageError(`expected at most one PATH, got ${positionals.join(' ')}`);
  const int = (name, min) => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw) || Number(raw) < min) usageError(`--${name} must be an integer >= ${min} (got "${raw}")`);
    return Number(raw);
  };
  let failUnder;
  if (values['fail-under'] !== undefined) {
    failUnder = Number(values['fail-under']);
    if (!Number.isFinite(failUnder) || failUnder < 0 || failUnder > 100) usageError(`--fail-under must be a percentage (got "${values['fail-under']}")`);
  }
  const path = resolve(positionals[0] ?? join(root, '..', 'shared', 'slt'));
  if (!existsSync(path)) usageError(`${path} does not exist`);
  const cli = values.cli ? resolve(values.cli) : join(root, 'dist', 'cli', 'main.js');
  const snapshot = values.cli === undefined;
  return {
    path,
    files: values.file ?? [],
    limit: int('limit', 1),
    lines: (values.line ?? []).map((raw) => {
      if (!/^\d+$/.test(raw)) usageError(`--line must be a line number (got "${raw}")`);
      return Number(raw);
    }),
    jobs: int('jobs', 1),
    chunk: int('chunk', 1),
    timeoutMs: int('timeout', 1) * 1000,
    viewTimeoutMs: int('view-timeout', 1) * 1000,
    verbose: values.verbose,
    report: resolve(values.report ?? join(tmpdir(), 'slt-report.json')),
    failUnder,
    cli,
    dist: values.dist ? resolve(values.dist) : cli.endsWith(join('cli', 'main.js')) ? dirname(dirname(cli)) : null,
    build: !values['no-build'] && !values.cli,
    snapshot,
    distGiven: values.dist !== undefined,
    keep: values.keep,
  };
}

function testFiles(path, filters) {
  const files = statSync(path).isDirectory()
    ? readdirSync(path).filter((n) => n.endsWith('.test')).sort().map((n) => join(path, n))
    : [path];
  return files.filter((f) => filters.length === 0 || filters.some((x) => basename(f).includes(x)));
}

function build() {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  process.stderr.write('building dist/ (tsc -p tsconfig.json) ...\n');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout}${r.stderr}`.split('\n').slice(0, 20).join('\n'));
    process.stderr.write('\ntest:slt: the build failed; fix it, or run the existing dist/ with --no-build\n');
    process.exit(2);
  }
}

// ---------------------------------------------------------------------------------------------
// Planning: records → segments (table contents) with their queries

/**
 * Walks a file's records. Queries between two data-changing statements see the same tables and
 * form one segment; each segment's tables get their own input files.
 */
async function planFile(file, index, options, workDir) {
  const records = parseSlt(readFileSync(file, 'utf8'));
  const tag = `f${index}`;
  const tables = new Map();
  const segments = [];
  const queries = [];
  const notes = [];
  let current = null;
  let hashThreshold = 8;
  let blocked = null;
  let skipped = 0;
  let queryNumber = 0;
  const closeSegment = () => { current = null; };
  const openSegment = () => {
    if (current) return current;
    const k = segments.length + 1;
    const snapshot = [...tables.values()].map((t) => ({
      name: t.parsed.name,
      parsed: t.parsed,
      file: join(workDir, `${tag}-s${k}-${t.parsed.name.replace(/[^A-Za-z0-9_]/g, '_')}.json`),
      lines: [...t.lines],
    }));
    current = { id: `${tag}-s${k}`, header: `generated by scripts/slt from ${basename(file)}`, tables: snapshot, queries: [] };
    segments.push(current);
    return current;
  };
  for (const record of records) {
    if (record.skipped) {
      skipped++;
      continue;
    }
    if (record.kind === 'halt') break;
    if (record.kind === 'hash-threshold') {
      hashThreshold = record.value;
      continue;
    }
    if (record.kind === 'unknown') {
      notes.push(`line ${record.line}: unknown record "${record.text}" ignored`);
      continue;
    }
    if (record.kind === 'statement') {
      if (record.expect !== 'ok') {
        notes.push(`line ${record.line}: "statement ${record.expect}" not checked`);
        continue;
      }
      try {
        applyStatement(record.sql, tables, notes, record.line, closeSegment);
      } catch (error) {
        if (!(error instanceof Unsupported)) throw error;
        blocked ??= `statement at line ${record.line} not translated: ${error.message}`;
        notes.push(blocked);
      }
      continue;
    }
    // A query.
    queryNumber++;
    if (options.limit !== undefined && queryNumber > options.limit) break;
    if (options.lines.length > 0 && !options.lines.includes(record.line)) continue;
    const query = {
      file: basename(file),
      number: queryNumber,
      name: `q_${queryNumber}`,
      line: record.line,
      sql: record.sql,
      types: record.types,
      sortMode: record.sortMode,
      label: record.label,
      expected: record.expected,
      hashThreshold,
      conditions: record.conditions,
    };
    queries.push(query);
    if (blocked) {
      query.result = { status: 'not run', message: blocked };
      continue;
    }
    if (!/^[IRT]+$/.test(record.types)) {
      query.result = { status: 'not run', message: `unknown type string "${record.types}"` };
      continue;
    }
    const segment = openSegment();
    query.segment = segment;
    segment.queries.push(query);
  }
  for (const segment of segments) {
    for (const t of segment.tables) {
      t.ddl = tableDdl(t.parsed, fileConnector('file_input', t.file));
      await writeFile(t.file, t.lines.join(''));
    }
  }
  return { file, name: basename(file), segments, queries, notes, skipped };
}

function applyStatement(sql, tables, notes, line, closeSegment) {
  const first = tokenize(sql).slice(0, 3).map((t) => t.text.toUpperCase());
  if (first[0] === 'CREATE' && (first[1] === 'INDEX' || first[2] === 'INDEX')) return; // indexes change no result
  closeSegment();
  if (first[0] === 'CREATE' && (first[1] === 'TABLE' || first[2] === 'TABLE')) {
    const parsed = parseCreateTable(sql);
    for (const note of parsed.notes) notes.push(`line ${line}: table ${parsed.name}: ${note}`);
    tables.set(parsed.name, { parsed, lines: [] });
    return;
  }
  if (first[0] === 'INSERT' || first[0] === 'REPLACE') {
    const insert = parseInsert(sql);
    const table = tables.get(insert.table);
    if (!table) throw new Unsupported(`INSERT into unknown table ${insert.table}`);
    const { columns } = table.parsed;
    const names = insert.columns ?? columns.map((c) => c.name);
    for (const row of insert.rows) {
      if (row.length !== names.length) throw new Unsupported(`INSERT of ${row.length} values into ${names.length} columns`);
      const fields = [];
      for (const column of columns) {
        const at = names.indexOf(column.name);
        if (at < 0) {
          if (column.defaultSql === null) fields.push(`${JSON.stringify(column.name)}: null`);
          continue;
        }
        fields.push(`${JSON.stringify(column.name)}: ${jsonValue(row[at], column.type)}`);
      }
      for (const name of names) if (!columns.some((c) => c.name === name)) throw new Unsupported(`INSERT names unknown column ${name}`);
      table.lines.push(`{"insert": {${fields.join(', ')}}}\n`);
    }
    return;
  }
  if (first[0] === 'DROP' && first[1] === 'TABLE') {
    const name = tokenize(sql).at(-1).text.toLowerCase();
    tables.delete(name);
    return;
  }
  throw new Unsupported(`statement ${first.join(' ')} ... is not translated`);
}

// ---------------------------------------------------------------------------------------------
// Running

async function pool(tasks, jobs) {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
}

function chunks(list, size) {
  const out = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

function classify(query, outcome) {
  switch (outcome.status) {
    case 'ok': {
      const cmp = compareResult(query, outcome.rows, query.hashThreshold);
      const base = { ordering: cmp.ordering, ...(cmp.note ? { note: cmp.note } : {}), ...(outcome.warnings?.length ? { warnings: outcome.warnings } : {}) };
      return cmp.pass ? { status: 'pass', ...base } : { status: 'wrong', expected: cmp.expected, actual: cmp.actual, ...base };
    }
    case 'refused': return { status: 'refused', code: outcome.code, message: outcome.message };
    case 'runtime': return { status: 'runtime', message: outcome.message };
    default: return { status: 'not run', message: outcome.message };
  }
}

/** The documented differences a failure may come from, by rule. */
function triggeredRules(query) {
  const r = query.result;
  const rules = [];
  if (r.status === 'runtime') {
    if (/division by zero/i.test(r.message)) rules.push('div0');
    if (/overflow|out of range/i.test(r.message)) rules.push('int32');
    if (/more than one (value|row)/i.test(r.message)) rules.push('subquery');
  }
  if ((r.status === 'wrong' || rules.length > 0) && /\bAVG\s*\(/i.test(query.sql)) rules.push('avg');
  return rules;
}

/**
 * The re-runs of a failed query: `sqlite`, the query with SQLite's rule made explicit for each
 * rule, and for a division by zero also `probe`, where x / 0 is x / 7 instead of NULL: when both
 * match SQLite's result, no zero divisor matters on the final data.
 */
function variantsOf(query, rules) {
  try {
    let sql = query.sql;
    let changed = false;
    let probe = null;
    const bigint = rules.includes('int32');
    if (rules.includes('avg')) {
      const next = avgAsDouble(sql);
      if (next !== null) [sql, changed] = [next, true];
    }
    if (rules.includes('div0')) {
      const next = nullSafeDivision(sql);
      if (next !== null) [probe, sql, changed] = [sentinelDivision(sql), next, true];
    }
    if (!changed && !bigint) return [];
    return [
      { key: 'sqlite', view: `v_${query.number}`, sql, bigint },
      ...(probe ? [{ key: 'probe', view: `w_${query.number}`, sql: probe, bigint }] : []),
    ];
  } catch (error) {
    if (error instanceof Unsupported) return [];
    throw error;
  }
}

function bigintSegment(segment) {
  if (!segment.bigint) {
    const tables = segment.tables.map((t) => {
      const parsed = { ...t.parsed, columns: t.parsed.columns.map((c) => ({ ...c, type: c.type === 'INT' ? 'BIGINT' : c.type })) };
      return { ...t, parsed, ddl: tableDdl(parsed, fileConnector('file_input', t.file)) };
    });
    segment.bigint = { ...segment, id: `${segment.id}-bigint`, tables };
  }
  return segment.bigint;
}

async function runAll(plans, options, engine, log) {
  const tasks = [];
  let done = 0;
  for (const plan of plans) {
    for (const segment of plan.segments) {
      for (const group of chunks(segment.queries, options.chunk)) {
        tasks.push(async () => {
          const started = Date.now();
          const views = group.map((q) => ({ name: q.name, columnCount: q.types.length, sql: q.sql }));
          const results = await engine.run(segment, views);
          for (const q of group) q.result = classify(q, results.get(q.name) ?? { status: 'error', message: 'no outcome' });
          const passed = group.filter((q) => q.result.status === 'pass').length;
          log(`[${++done}/${tasks.length}] ${plan.name} ${group[0].name}..${group.at(-1).name}: ${passed}/${group.length} pass (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        });
      }
    }
  }
  await pool(tasks, options.jobs);

  // Documented differences: re-run each failure with SQLite's rule made explicit.
  const variantTasks = [];
  for (const plan of plans) {
    const bySegment = new Map();
    for (const q of plan.queries) {
      if (!q.result || q.result.status === 'pass' || !q.segment) continue;
      const rules = triggeredRules(q);
      if (rules.length === 0) continue;
      q.rules = rules;
      q.variants = variantsOf(q, rules);
      q.variantResults = {};
      for (const variant of q.variants) {
        const segment = variant.bigint ? bigintSegment(q.segment) : q.segment;
        if (!bySegment.has(segment)) bySegment.set(segment, []);
        bySegment.get(segment).push({ q, variant });
      }
    }
    for (const [segment, list] of bySegment) {
      for (const group of chunks(list, options.chunk)) {
        variantTasks.push(async () => {
          const views = group.map(({ q, variant }) => ({ name: variant.view, columnCount: q.types.length, sql: variant.sql }));
          const results = await engine.run(segment, views);
          for (const { q, variant } of group) {
            q.variantResults[variant.key] = classify(q, results.get(variant.view) ?? { status: 'error', message: 'no outcome' });
          }
        });
      }
    }
  }
  if (variantTasks.length > 0) log(`re-running ${variantTasks.length} program(s) of failures with SQLite's rule made explicit`);
  await pool(variantTasks, options.jobs);

  for (const plan of plans) for (const q of plan.queries) if (q.rules) settleDifference(q);
}

function settleDifference(q) {
  const original = q.result;
  const sqlite = q.variants.find((v) => v.key === 'sqlite');
  const v = q.variantResults.sqlite;
  const probe = q.variantResults.probe;
  let rules = q.rules;
  const described = sqlite ? rules.map((r) => REASONS[r].variant).filter(Boolean).join('; ') : null;
  const variantSql = sqlite ? `${sqlite.sql}${sqlite.bigint ? '   [with INT columns declared BIGINT]' : ''}` : undefined;
  const messageRule = rules.some((r) => r !== 'avg');
  if (v?.status === 'pass') {
    let confirmed = `re-run with ${described}: matches SQLite's result`;
    if (rules.includes('div0')) {
      if (probe?.status === 'pass') {
        rules = rules.map((r) => (r === 'div0' ? 'div0step' : r));
        confirmed += ', and so does x / 7 in place of x / 0: no zero divisor matters on the final data';
      } else {
        confirmed += `; with x / 7 in place of x / 0 it does not (${probe?.status ?? 'not run'}): SQLite's result depends on dividing by zero`;
      }
    }
    q.result = { status: 'difference', reasons: rules.map((r) => REASONS[r].reason), confirmed, original, variantSql };
    return;
  }
  const reasons = rules.map((r) => REASONS[r].reason);
  if (!messageRule) {
    // Wrong only: the AVG rule explains it only when the re-run matches.
    if (v) original.note = [original.note, `re-run with ${described} does not match either (${v.status}${v.message ? `: ${v.message}` : ''})`].filter(Boolean).join('; ');
    return;
  }
  if (v?.status === 'wrong') {
    q.result = {
      status: 'wrong',
      expected: v.expected,
      actual: v.actual,
      note: `the run failed with "${original.message}" (${reasons.join('; ')}); re-run with ${described} it completes but the result still differs`,
      original,
      variantSql,
    };
    return;
  }
  q.result = {
    status: 'difference',
    reasons,
    confirmed: v ? `not confirmed: the re-run with ${described} ended ${v.status}: ${v.message}` : 'by the run-time error message (no re-run applies)',
    original,
    ...(variantSql ? { variantSql } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Reporting

const FEATURES = [
  ['join', (u) => /\bJOIN\b/.test(u) || /\bFROM\b[^()]*?,/.test(u.replace(/\([^()]*\)/g, ''))],
  ['aggregate', (u) => /\b(COUNT|SUM|AVG|MIN|MAX|TOTAL|GROUP_CONCAT)\s*\(/.test(u)],
  ['GROUP BY', (u) => /\bGROUP\s+BY\b/.test(u)],
  ['HAVING', (u) => /\bHAVING\b/.test(u)],
  ['DISTINCT', (u) => /\bDISTINCT\b/.test(u)],
  ['subquery', (u) => /\(\s*SELECT\b/.test(u)],
  ['CASE', (u) => /\bCASE\b/.test(u)],
  ['IN list', (u) => /\bIN\s*\((?!\s*SELECT)/.test(u)],
  ['BETWEEN', (u) => /\bBETWEEN\b/.test(u)],
  ['CAST', (u) => /\bCAST\b/.test(u)],
  ['NULL', (u) => /\bNULL\b/.test(u)],
  ['COALESCE/NULLIF', (u) => /\b(COALESCE|NULLIF)\b/.test(u)],
  ['division', (u) => /[/%]/.test(u)],
  ['ORDER BY', (u) => /\bORDER\s+BY\b/.test(u)],
  ['set operation', (u) => /\b(UNION|EXCEPT|INTERSECT)\b/.test(u)],
];

function features(sql) {
  const u = sql.toUpperCase().replace(/'(?:[^']|'')*'/g, "''");
  return FEATURES.filter(([, test]) => test(u)).map(([name]) => name);
}

function countBy(list, key) {
  const map = new Map();
  for (const item of list) {
    const k = key(item);
    if (k === null) continue;
    const entry = map.get(k) ?? { key: k, count: 0, first: item };
    entry.count++;
    map.set(k, entry);
  }
  return [...map.values()].sort((a, b) => b.count - a.count || String(a.key).localeCompare(String(b.key)));
}

function normalizeMessage(message) {
  return message
    .replace(/\b[qv]_\d+\b/g, 'q_N')
    .replace(/(^|\s)\/\S+:\d+:\d+: /g, '$1')
    .replace(/-?\b\d+(\.\d+)?\b/g, 'N');
}

function counts(queries) {
  const c = { queries: queries.length, pass: 0, difference: 0, wrong: 0, refused: 0, runtime: 0, 'not run': 0, refusedByCode: {} };
  for (const q of queries) {
    c[q.result.status]++;
    if (q.result.status === 'refused') c.refusedByCode[q.result.code] = (c.refusedByCode[q.result.code] ?? 0) + 1;
  }
  return c;
}

const pct = (n, d) => (d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`);

function printSummary(plans, all, meta, options) {
  const out = [];
  const refusalCodes = [...new Set(all.filter((q) => q.result.status === 'refused').map((q) => q.result.code))].sort();
  const short = (code) => code.replace(/^SQL_/, '').replace('NOT_SUPPORTED', 'NOT_SUPP').replace('SYNTAX_ERROR', 'SYNTAX');
  const header = ['file', 'queries', 'pass', 'diff', 'wrong', 'refused', ...refusalCodes.map((c) => `  ${short(c)}`), 'runtime', 'not run', 'skipped', 'pass %'];
  const rows = [];
  for (const plan of plans) {
    const c = counts(plan.queries);
    rows.push([plan.name, c.queries, c.pass, c.difference, c.wrong, c.refused, ...refusalCodes.map((k) => c.refusedByCode[k] ?? 0), c.runtime, c['not run'], plan.skipped, pct(c.pass, c.queries)]);
  }
  const t = counts(all);
  const skippedTotal = plans.reduce((s, p) => s + p.skipped, 0);
  rows.push(['TOTAL', t.queries, t.pass, t.difference, t.wrong, t.refused, ...refusalCodes.map((k) => t.refusedByCode[k] ?? 0), t.runtime, t['not run'], skippedTotal, pct(t.pass, t.queries)]);
  const widths = header.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ');
  out.push('', `sqllogictest conformance of dynaview, ${meta.startedAt} (${(meta.ms / 1000).toFixed(1)} s, ${meta.programs} program runs)`, '');
  out.push(line(header), widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(0, -1)) out.push(line(r));
  out.push(widths.map((w) => '-'.repeat(w)).join('  '), line(rows.at(-1)), '');
  out.push(`pass: ${t.pass} of ${t.queries} (${pct(t.pass, t.queries)}); documented Feldera differences: ${t.difference}; `
    + `correct or explained: ${pct(t.pass + t.difference, t.queries)}. Skipped: ${skippedTotal} records (skipif/onlyif).`);
  const nosort = all.filter((q) => q.sortMode === 'nosort');
  if (nosort.length > 0) {
    const applied = nosort.filter((q) => q.result.ordering?.startsWith('nosort: ORDER BY')).length;
    out.push(`nosort: ${nosort.length} queries. A view is an unordered multiset (Feldera ignores ORDER BY in views, ORDER BY ... LIMIT is an unordered top-k), `
      + `so the runner orders the rows by the query's ORDER BY column ordinals itself (${applied} compared so) or else compares as rowsort.`);
  }

  const diffs = all.filter((q) => q.result.status === 'difference');
  if (diffs.length > 0) {
    out.push('', 'Documented differences:');
    for (const e of countBy(diffs, (q) => q.result.reasons.join(' + '))) {
      const confirmed = diffs.filter((q) => q.result.reasons.join(' + ') === e.key && q.result.confirmed.startsWith('re-run')).length;
      out.push(`  ${String(e.count).padStart(5)}  ${e.key} [${confirmed} confirmed by re-running with SQLite's rule]`);
    }
  }
  const refusals = all.filter((q) => q.result.status === 'refused');
  if (refusals.length > 0) {
    out.push('', 'Top refusals (what to implement next):');
    for (const e of countBy(refusals, (q) => `${q.result.code}: ${normalizeMessage(q.result.message)}`).slice(0, 25)) {
      out.push(`  ${String(e.count).padStart(5)}  ${e.key}   (e.g. ${e.first.file}:${e.first.line})`);
    }
  }
  const runtime = all.filter((q) => q.result.status === 'runtime' || q.result.status === 'not run');
  if (runtime.length > 0) {
    out.push('', 'Run-time errors and queries not run:');
    for (const e of countBy(runtime, (q) => `${q.result.status}: ${normalizeMessage(q.result.message)}`).slice(0, 15)) {
      out.push(`  ${String(e.count).padStart(5)}  ${e.key.slice(0, 200)}   (e.g. ${e.first.file}:${e.first.line})`);
    }
  }
  const wrong = all.filter((q) => q.result.status === 'wrong');
  if (wrong.length > 0) {
    out.push('', `Wrong results by construct in the query (a query counts under each it uses; ${wrong.length} wrong):`);
    const tagged = wrong.flatMap((q) => (features(q.sql).length ? features(q.sql) : ['plain SELECT']).map((f) => ({ f, q })));
    for (const e of countBy(tagged, (x) => x.f)) out.push(`  ${String(e.count).padStart(5)}  ${e.key}   (e.g. ${e.first.q.file}:${e.first.q.line})`);
  }
  const notes = plans.flatMap((p) => p.notes.map((n) => `${p.name}: ${n}`));
  if (notes.length > 0) {
    out.push('', 'Translation notes:');
    for (const e of countBy(notes, (n) => n.replace(/line \d+/, 'line N')).slice(0, 10)) out.push(`  ${String(e.count).padStart(5)}  ${e.first}`);
  }
  if (options.verbose) {
    out.push('', 'Every query that did not pass:');
    for (const q of all) {
      if (q.result.status === 'pass') continue;
      const r = q.result;
      out.push('', `${q.file}:${q.line} ${q.name} [${r.status}${r.code ? ` ${r.code}` : ''}] query ${q.types} ${q.sortMode}${q.label ? ` ${q.label}` : ''}`);
      out.push(...q.sql.split('\n').map((l) => `    ${l}`));
      if (r.message) out.push(`  error: ${r.message}`);
      if (r.reasons) out.push(`  because: ${r.reasons.join('; ')}`, `  shown: ${r.confirmed}`, `  original: ${r.original.status}${r.original.message ? `: ${r.original.message}` : ''}`);
      if (r.expected !== undefined) out.push(`  expected: ${oneLine(r.expected) || '(no rows)'}`, `  actual:   ${oneLine(r.actual) || '(no rows)'}`);
      if (r.note) out.push(`  note: ${r.note}`);
      if (r.variantSql) out.push(`  re-run as: ${oneLine(r.variantSql)}`);
    }
  }
  out.push('', `JSON report: ${options.report}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

function oneLine(text) {
  const s = String(text).split('\n');
  return s.length > 24 ? `${s.slice(0, 24).join(' | ')} | ... (${s.length} values)` : s.join(' | ');
}

async function writeReport(plans, all, meta, options) {
  const report = {
    tool: 'scripts/slt/run.mjs',
    startedAt: meta.startedAt,
    seconds: meta.ms / 1000,
    programRuns: meta.programs,
    path: options.path,
    cli: options.snapshot ? `${join(root, 'dist', 'cli', 'main.js')} (a copy taken at the start)` : options.cli,
    options: {
      limit: options.limit ?? null, jobs: options.jobs, chunk: options.chunk,
      timeoutSeconds: options.timeoutMs / 1000, viewTimeoutSeconds: options.viewTimeoutMs / 1000,
    },
    totals: { ...counts(all), skipped: plans.reduce((s, p) => s + p.skipped, 0) },
    files: plans.map((p) => ({
      file: p.file,
      counts: { ...counts(p.queries), skipped: p.skipped },
      notes: p.notes,
      queries: p.queries.map((q) => ({
        line: q.line,
        name: q.name,
        query: `query ${q.types} ${q.sortMode}${q.label ? ` ${q.label}` : ''}`,
        sql: q.sql,
        features: features(q.sql),
        ...q.result,
      })),
    })),
  };
  await mkdir(dirname(options.report), { recursive: true });
  await writeFile(options.report, `${JSON.stringify(report, null, 1)}\n`);
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const files = testFiles(options.path, options.files);
  if (files.length === 0) usageError(`no .test file in ${options.path}${options.files.length ? ` matching ${options.files.join(', ')}` : ''}`);
  if (options.build) build();
  if (!existsSync(options.cli)) usageError(`${options.cli} does not exist (build first, or give --cli)`);
  const workDir = mkdtempSync(join(tmpdir(), 'dynaview-slt-'));
  const cleanup = () => { if (!options.keep) rmSync(workDir, { recursive: true, force: true }); };
  process.on('SIGINT', () => { cleanup(); process.exit(130); });
  process.on('SIGTERM', () => { cleanup(); process.exit(143); });
  if (options.snapshot) {
    // Others may rebuild dist/ while this runs: run a copy, with the project's node_modules.
    const copy = join(workDir, 'dynaview');
    cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true });
    copyFileSync(join(root, 'package.json'), join(copy, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
    options.cli = join(copy, 'dist', 'cli', 'main.js');
    if (!options.distGiven) options.dist = join(copy, 'dist');
  }
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  try {
    const log = (s) => process.stderr.write(`${s}\n`);
    const engine = new Engine({ cli: options.cli, dist: options.dist, timeoutMs: options.timeoutMs, viewTimeoutMs: options.viewTimeoutMs, workDir, log, keep: options.keep });
    await engine.init();
    const plans = [];
    for (const [i, file] of files.entries()) plans.push(await planFile(file, i + 1, options, workDir));
    const cliShown = options.snapshot ? 'a copy of dist/cli/main.js' : options.cli;
    log(`running ${plans.reduce((s, p) => s + p.queries.length, 0)} queries of ${plans.length} file(s) with ${cliShown} (${options.jobs} in parallel)${options.keep ? `; programs kept in ${workDir}` : ''}`);
    await runAll(plans, options, engine, log);
    const all = plans.flatMap((p) => p.queries);
    const meta = { startedAt, ms: Date.now() - started, programs: engine.programs };
    await writeReport(plans, all, meta, options);
    printSummary(plans, all, meta, options);
    if (options.failUnder !== undefined) {
      const passed = all.length === 0 ? 0 : (100 * all.filter((q) => q.result.status === 'pass').length) / all.length;
      if (passed < options.failUnder) {
        process.stdout.write(`pass rate ${passed.toFixed(1)}% is below --fail-under ${options.failUnder}%\n`);
        process.exitCode = 1;
      }
    }
  } finally {
    cleanup();
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(`test:slt: the run could not complete: ${error?.stack ?? error}\n`);
  process.exit(2);
}
