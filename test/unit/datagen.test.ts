import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { InputConnector, InputTable } from '../../src/connectors/inputs/input.js';
import { createInputConnector } from '../../src/connectors/inputs/registry.js';
import { ConfigError, type ConfigProblem } from '../../src/errors.js';
import type { Row } from '../../src/schema.js';
import { inputTable, RecordingSink, type ColumnSpec } from '../support/inputs.js';

const CONNECTOR = 't0.unnamed-0';

const table = (columns: ColumnSpec[]): InputTable => inputTable('t0', columns);

const T0 = table([['id', 'INT', false], ['sort', 'VARCHAR', false], ['s', 'VARCHAR']]);

function datagen(config: unknown, sqlTable: InputTable = T0): InputConnector {
  return createInputConnector({ name: 'datagen', config }, { connector: CONNECTOR, table: sqlTable, baseDir: '.' });
}

async function generate(config: unknown, sqlTable: InputTable = T0): Promise<RecordingSink> {
  const sink = new RecordingSink();
  await datagen(config, sqlTable).run(sink);
  return sink;
}

async function column(type: string, settings: unknown, limit = 5, nullable = true, extra: Record<string, unknown> = {}): Promise<unknown[]> {
  const sink = await generate({ plan: [{ limit, fields: { c: settings } }], ...extra }, table([['c', type, nullable]]));
  assert.deepEqual(sink.errors, []);
  return sink.rows.map((row) => row['c']);
}

function problemsOf(config: unknown, sqlTable: InputTable = T0): ConfigProblem[] {
  try {
    datagen(config, sqlTable);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return [...error.problems];
  }
  assert.fail(`configuration was accepted: ${JSON.stringify(config)}`);
}

function problemAt(problems: ConfigProblem[], field: string): string {
  const problem = problems.find((p) => p.field === field);
  assert.ok(problem, `no problem for ${field} in ${JSON.stringify(problems)}`);
  return problem.message;
}

describe('defaults (Feldera increment, rows 0..4)', () => {
  test('the seed program t0 with plan [{rate, limit: 5}] yields (0,"0","0") ... (4,"4","4")', async () => {
    const sink = await generate({ plan: [{ rate: 1000, limit: 5 }] });
    assert.deepEqual(sink.rows, [0, 1, 2, 3, 4].map((i) => ({ id: i, sort: String(i), s: String(i) })));
    assert.ok(sink.updates.every((update) => update.weight === 1));
  });

  const cases: [type: string, expected: unknown[]][] = [
    ['TINYINT', [0, 1, 2, 3, 4]],
    ['SMALLINT', [0, 1, 2, 3, 4]],
    ['INT', [0, 1, 2, 3, 4]],
    ['INT UNSIGNED', [0, 1, 2, 3, 4]],
    ['BIGINT', [0n, 1n, 2n, 3n, 4n]],
    ['BIGINT UNSIGNED', [0n, 1n, 2n, 3n, 4n]],
    ['REAL', [0, 1, 2, 3, 4]],
    ['DOUBLE', [0, 1, 2, 3, 4]],
    ['DECIMAL(10, 2)', ['0', '1', '2', '3', '4']],
    ['VARCHAR', ['0', '1', '2', '3', '4']],
    ['CHAR(3)', ['0  ', '1  ', '2  ', '3  ', '4  ']],
    ['BOOLEAN', [false, true, false, true, false]],
    ['TIMESTAMP', ['1970-01-01 00:00:00', '1970-01-01 00:00:00.001', '1970-01-01 00:00:00.002', '1970-01-01 00:00:00.003', '1970-01-01 00:00:00.004']],
    ['DATE', ['1970-01-01', '1970-01-02', '1970-01-03', '1970-01-04', '1970-01-05']],
    ['TIME', ['00:00:00', '00:00:00.001', '00:00:00.002', '00:00:00.003', '00:00:00.004']],
    ['UUID', [0, 1, 2, 3, 4].map((i) => `00000000-0000-0000-0000-00000000000${i}`)],
    ['VARBINARY', [[], [0], [0, 1], [0, 1, 2], [0, 1, 2, 3]].map((bytes) => new Uint8Array(bytes))],
    ['BINARY(2)', [[0, 0], [0, 0], [0, 1], [0, 1], [0, 1]].map((bytes) => new Uint8Array(bytes))],
    ['INT ARRAY', [[], [0], [0, 1], [0, 1, 2], [0, 1, 2, 3]]],
    ['VARCHAR ARRAY', [[], ['0'], ['0', '1'], ['0', '1', '2'], ['0', '1', '2', '3']]],
    ['MAP<VARCHAR, INT>', [{}, {}, {}, {}, {}]],
    ['ROW(a INT, b VARCHAR, d DATE)', [0, 1, 2, 3, 4].map((i) => ({ a: i, b: String(i), d: `1970-01-0${i + 1}` }))],
    ['VARIANT', [null, null, null, null, null]],
  ];
  for (const [type, expected] of cases) {
    test(`${type}: ${JSON.stringify(expected, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`, async () => {
      assert.deepEqual(await column(type, {}), expected);
    });
  }

  test('the default plan (no plan at all) is unbounded and generates rows until stopped', async () => {
    const connector = datagen({});
    const sink = new RecordingSink((s) => {
      if (s.rows.length >= 20_000) connector.stop();
    });
    await connector.run(sink);
    const ids = sink.rows.map((row) => row['id']);
    assert.ok(ids.length >= 20_000);
    assert.deepEqual(ids.slice(0, 3), [0, 1, 2]);
    assert.equal(ids[19_999], 19_999);
  });

  test('integers wrap at the type maximum', async () => {
    assert.deepEqual(await column('TINYINT', { scale: 50 }), [0, 50, 100, 23, 73]);
  });
});

describe('strategies', () => {
  test('increment with scale and range: min + (idx * scale) % (max - min)', async () => {
    assert.deepEqual(await column('INT', { scale: 3 }), [0, 3, 6, 9, 12]);
    assert.deepEqual(await column('INT', { range: [10, 13] }), [10, 11, 12, 10, 11]);
    assert.deepEqual(await column('BIGINT', { range: [-2, 2], scale: 3 }), [-2n, 1n, 0n, -1n, -2n]);
    assert.deepEqual(await column('DOUBLE', { range: [0.5, 2.5] }), [0.5, 1.5, 0.5, 1.5, 0.5]);
    assert.deepEqual(await column('DECIMAL(5, 2)', { range: [1.25, 3], scale: 1 }), ['1.25', '2.25', '1.5', '2.5', '1.75']);
    assert.deepEqual(await column('VARCHAR', { scale: 10 }), ['0', '10', '20', '30', '40']);
    assert.deepEqual(await column('DATE', { scale: 365, range: ['2000-01-01', '2100-01-01'] }),
      ['2000-01-01', '2000-12-31', '2001-12-31', '2002-12-31', '2003-12-31']);
    assert.deepEqual(await column('TIMESTAMP', { scale: 1000, range: ['2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z'] }),
      ['2024-01-01 00:00:00', '2024-01-01 00:00:01', '2024-01-01 00:00:02', '2024-01-01 00:00:03', '2024-01-01 00:00:04']);
    assert.deepEqual(await column('TIME', { scale: 3_600_000, range: [79_200_000, 86_400_000] }),
      ['22:00:00', '23:00:00', '22:00:00', '23:00:00', '22:00:00']);
    assert.deepEqual(await column('TIME', { scale: 1500, range: ['08:00:00', '09:00:00'] }, 3), ['08:00:00', '08:00:01.500', '08:00:03']);
    assert.deepEqual(await column('INT ARRAY', { range: [2, 4] }), [[0, 1], [0, 1, 2], [0, 1], [0, 1, 2], [0, 1]]);
  });

  test('DECIMAL increments wrap at the largest value the type holds', async () => {
    const values = await column('DECIMAL(3, 1)', { scale: 50 }, 25);
    // Row 2: 100 % 99.9 = 0.1.
    assert.deepEqual(values.slice(0, 3), ['0', '50', '0.1']);
    assert.ok(values.every((v) => Math.abs(Number(v)) <= 99.9));
  });

  test('uniform draws from the range times the scale', async () => {
    const values = (await column('INT', { strategy: 'uniform', range: [10, 20] }, 500)) as number[];
    assert.ok(values.every((v) => Number.isInteger(v) && v >= 10 && v < 20));
    assert.equal(new Set(values).size, 10);
    const scaled = (await column('BIGINT', { strategy: 'uniform', range: [1, 3], scale: 100 }, 200)) as bigint[];
    assert.deepEqual(new Set(scaled), new Set([100n, 200n]));
    const doubles = (await column('DOUBLE', { strategy: 'uniform', range: [-1, 1] }, 200)) as number[];
    assert.ok(doubles.every((v) => v >= -1 && v < 1));
    const dates = (await column('DATE', { strategy: 'uniform', range: ['2024-01-01', '2024-01-08'] }, 200)) as string[];
    assert.ok(dates.every((d) => d >= '2024-01-01' && d < '2024-01-08'));
    const strings = (await column('VARCHAR', { strategy: 'uniform', range: [3, 6] }, 200)) as string[];
    assert.ok(strings.every((s) => /^[A-Za-z0-9]{3,5}$/.test(s)));
    const arrays = (await column('INT ARRAY', { strategy: 'uniform', range: [1, 3] }, 200)) as number[][];
    assert.ok(arrays.every((a) => a.length >= 1 && a.length < 3));
    const uuids = (await column('UUID', { strategy: 'uniform' }, 50)) as string[];
    assert.ok(uuids.every((u) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(u)));
    assert.equal(new Set(uuids).size, 50);
  });

  test('zipf favours the start of the range', async () => {
    const values = (await column('INT', { strategy: 'zipf', range: [100, 200] }, 2000)) as number[];
    assert.ok(values.every((v) => v >= 100 && v < 200));
    const counts = new Map<number, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    assert.equal(top?.[0], 100);
    assert.ok((counts.get(100) ?? 0) > (counts.get(101) ?? 0));
    assert.ok((counts.get(101) ?? 0) > (counts.get(150) ?? 0));
  });

  test('zipf with e = 0 is uniform over the ranks', async () => {
    const values = (await column('INT', { strategy: 'zipf', range: [0, 4], e: 0 }, 4000)) as number[];
    for (let v = 0; v < 4; v++) {
      const share = values.filter((x) => x === v).length / values.length;
      assert.ok(share > 0.2 && share < 0.3, `value ${v}: ${share}`);
    }
  });

  test('values: increment cycles, uniform and zipf pick from the list; values are converted to the column type', async () => {
    assert.deepEqual(await column('VARCHAR', { values: ['a', 'b', 'c'] }), ['a', 'b', 'c', 'a', 'b']);
    assert.deepEqual(await column('BIGINT', { values: [5, 7] }), [5n, 7n, 5n, 7n, 5n]);
    assert.deepEqual(await column('TIMESTAMP', { values: ['2024-01-01T00:00:00Z'] }, 1), ['2024-01-01 00:00:00']);
    const picked = await column('INT', { strategy: 'uniform', values: [1, 2, 3] }, 100);
    assert.deepEqual(new Set(picked), new Set([1, 2, 3]));
    const ranked = (await column('VARCHAR', { strategy: 'zipf', values: ['hot', 'warm', 'cold'] }, 1000)) as string[];
    assert.ok(ranked.filter((v) => v === 'hot').length > ranked.filter((v) => v === 'cold').length);
  });

  test('string strategies produce text of their kind', async () => {
    const check = async (strategy: string, pattern: RegExp, settings: Record<string, unknown> = {}): Promise<void> => {
      const values = (await column('VARCHAR', { strategy, ...settings }, 30)) as string[];
      for (const value of values) assert.match(value, pattern, `${strategy}: ${value}`);
    };
    await check('word', /^[a-z]+$/);
    await check('words', /^[a-z]+ [a-z]+$/, { range: [2, 3] });
    await check('sentence', /^[A-Z][a-z]*( [a-z]+){2,3}\.$/, { range: [3, 5] });
    await check('name', /^[A-Z][a-z]+ [A-Z][a-z]+$/);
    await check('first_name', /^[A-Z][a-z]+$/);
    await check('last_name', /^[A-Z][a-z]+$/);
    await check('email', /^[a-z._0-9]+@example\.(com|org|net)$/);
    await check('username', /^[a-z][a-z._0-9]+$/);
    await check('city_name', /^[A-Z]/);
    await check('country_name', /^[A-Z]/);
    await check('phone_number', /^[0-9().\- ]{10,}$/);
    await check('ipv4', /^(\d{1,3}\.){3}\d{1,3}$/);
    await check('ipv6', /^([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$/);
    await check('password', /^.{8,11}$/, { range: [8, 12] });
    await check('credit_card_number', /^\d{16}$/);
  });

  test('null_percentage: 0 never, 100 always, 50 about half', async () => {
    assert.ok((await column('INT', { null_percentage: 0 }, 200)).every((v) => v !== null));
    assert.ok((await column('VARCHAR', { null_percentage: 100 }, 200)).every((v) => v === null));
    const half = await column('DATE', { null_percentage: 50 }, 1000);
    const nulls = half.filter((v) => v === null).length;
    assert.ok(nulls > 400 && nulls < 600, `${nulls} NULLs in 1000`);
    assert.ok(half.filter((v) => v !== null).every((v) => typeof v === 'string'));
  });

  test('TIME ignores null_percentage (as Feldera does)', async () => {
    assert.deepEqual(await column('TIME', { null_percentage: 100 }, 2), ['00:00:00', '00:00:00.001']);
  });

  test('struct fields take nested settings; array elements and bytes take the "value" settings', async () => {
    assert.deepEqual(await column('ROW(a INT, "B" VARCHAR)', { fields: { A: { scale: 2 }, B: { values: ['x'] } } }, 3),
      [{ a: 0, B: 'x' }, { a: 2, B: 'x' }, { a: 4, B: 'x' }]);
    assert.deepEqual(await column('VARCHAR ARRAY', { range: [2, 3], value: { values: ['x', 'y', 'z'] } }, 2), [['x', 'y'], ['x', 'y']]);
    assert.deepEqual(await column('VARBINARY', { range: [3, 4], value: { scale: 100 } }, 1), [new Uint8Array([0, 100, 200])]);
  });

  test('a generated value the column cannot hold skips the row and reports it', async () => {
    const sink = await generate({ plan: [{ limit: 10, fields: { c: { strategy: 'uniform', range: [0, 100], scale: 10 } } }] }, table([['c', 'TINYINT']]));
    assert.ok(sink.errors.length > 0);
    assert.equal(sink.rows.length + sink.errors.length, 10);
    assert.ok(sink.rows.every((row) => typeof row['c'] === 'number' && row['c'] <= 127));
    const [error] = sink.errors;
    assert.equal(error?.code, 'INPUT_INVALID_VALUE');
    assert.match(error?.message ?? '', /^t0\.unnamed-0: generated row \d skipped: column "c" \(TINYINT\): the generated value \d+ is out of range \(-128 to 127\)$/);
  });
});

describe('seeds, plans and workers', () => {
  const randomConfig = (seed: number): unknown => ({
    seed,
    plan: [{ limit: 50, fields: { id: { strategy: 'uniform' }, sort: { strategy: 'name' }, s: { strategy: 'uniform', null_percentage: 30 } } }],
  });

  test('the same seed gives the same rows; another seed gives other rows', async () => {
    const first = (await generate(randomConfig(42))).rows;
    const again = (await generate(randomConfig(42))).rows;
    const other = (await generate(randomConfig(43))).rows;
    assert.deepEqual(again, first);
    assert.notDeepEqual(other, first);
  });

  test('a row depends only on the seed and its index, whatever the number of workers', async () => {
    const sortById = (rows: Row[]): Row[] => [...rows].sort((a, b) => (a['id'] as number) - (b['id'] as number));
    const single = (await generate({ seed: 7, plan: [{ limit: 300, fields: { sort: { strategy: 'email' } } }] })).rows;
    const parallel = (await generate({ seed: 7, workers: 4, plan: [{ limit: 300, worker_chunk_size: 7, fields: { sort: { strategy: 'email' } } }] })).rows;
    assert.deepEqual(sortById(parallel), sortById(single));
  });

  test('several workers generate every index exactly once', async () => {
    const sink = await generate({ workers: 3, plan: [{ limit: 1000, worker_chunk_size: 10 }] });
    const ids = sink.rows.map((row) => row['id'] as number).sort((a, b) => a - b);
    assert.deepEqual(ids, Array.from({ length: 1000 }, (_, i) => i));
  });

  test('plans run one after the other, each counting its rows from 0', async () => {
    const sink = await generate({ plan: [{ limit: 2 }, { limit: 0 }, { limit: 3, fields: { id: { scale: 10 } } }] });
    assert.deepEqual(sink.rows.map((row) => row['id']), [0, 1, 0, 10, 20]);
  });

  test('limit 0 generates nothing', async () => {
    const sink = await generate({ plan: [{ limit: 0 }] });
    assert.equal(sink.rows.length, 0);
  });

  test('rows are pushed in chunks of min(rate, 10 000)', async () => {
    const sink = await generate({ plan: [{ limit: 25_000 }] });
    assert.deepEqual(sink.pushes.map((push) => push.changes.length), [10_000, 10_000, 5_000]);
    const limited = await generate({ plan: [{ rate: 5000, limit: 2500, worker_chunk_size: 5000 }] });
    assert.ok(limited.pushes.length >= 1);
    assert.equal(limited.rows.length, 2500);
    const small = await generate({ plan: [{ rate: 10_000, limit: 30, worker_chunk_size: 10 }] });
    assert.deepEqual(small.pushes.map((push) => push.changes.length), [10, 10, 10]);
  });

  test('the rate limiter lets a burst of `rate` rows through, then `rate` rows per second', async () => {
    const start = performance.now();
    /** When each row arrived, in ms since the start. */
    const arrivals: number[] = [];
    const sink = new RecordingSink(({ updates }) => {
      while (arrivals.length < updates.length) arrivals.push(performance.now() - start);
    });
    await datagen({ plan: [{ rate: 20, limit: 26 }] }).run(sink);
    const elapsed = performance.now() - start;
    assert.equal(sink.rows.length, 26);
    // 21 rows at once (20 tokens, the last taken after row 20), then 5 more at 50 ms each.
    assert.ok(elapsed >= 200 && elapsed < 1500, `took ${elapsed} ms`);
    assert.ok((arrivals[19] ?? Infinity) < 100, `row 19 arrived after ${arrivals[19]} ms`);
    assert.ok((arrivals[25] ?? 0) >= 200, `row 25 arrived after ${arrivals[25]} ms`);
  });

  test('stop() ends a rate-limited unbounded plan promptly', async () => {
    const connector = datagen({ plan: [{ rate: 2 }] });
    const sink = new RecordingSink();
    const running = connector.run(sink);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stoppedAt = performance.now();
    connector.stop();
    await running;
    assert.ok(performance.now() - stoppedAt < 100);
    // Rows 0 and 1 (burst 2) are one buffer of min(rate, 10 000) = 2 rows; row 2 waits for a token.
    assert.deepEqual(sink.rows.map((row) => row['id']), [0, 1]);
  });
});

describe('configuration errors', () => {
  test('unknown options are rejected with a suggestion, every problem at once', () => {
    const problems = problemsOf({ sed: 1, plan: [{ rat: 5, limit: -1, fields: { idd: {}, sort: { strategy: 'unifrom', nul_percentage: 5 } } }] });
    assert.equal(problemAt(problems, 'sed'), 'is not a datagen option; did you mean seed?');
    assert.equal(problemAt(problems, 'plan.0.rat'), 'is not a generation plan option; did you mean rate?');
    assert.equal(problemAt(problems, 'plan.0.fields.idd'), 'is not a column of the table; did you mean id?');
    assert.equal(problemAt(problems, 'plan.0.fields.sort.nul_percentage'), 'is not a datagen field setting; did you mean null_percentage?');
  });

  test('an unknown strategy name gets a suggestion', () => {
    const problems = problemsOf({ plan: [{ fields: { sort: { strategy: 'unifrom' } } }] });
    assert.equal(problemAt(problems, 'plan.0.fields.sort.strategy'), '"unifrom" is not a datagen strategy; did you mean uniform?');
  });

  test('values of the wrong type for an option are rejected with the rule and the value', () => {
    const problems = problemsOf({ workers: 0, plan: [{ rate: 0, limit: 1.5, fields: { id: { scale: 'x', null_percentage: 101 } } }] });
    assert.match(problemAt(problems, 'workers'), /^must be an integer from 1 to \d+ \(got 0\)$/);
    assert.match(problemAt(problems, 'plan.0.rate'), /^must be an integer from 1 to 4294967295 .* \(got 0\)$/);
    assert.match(problemAt(problems, 'plan.0.limit'), /\(got 1\.5\)$/);
    assert.equal(problemAt(problems, 'plan.0.fields.id.scale'), 'must be an integer (got "x")');
    assert.match(problemAt(problems, 'plan.0.fields.id.null_percentage'), /from 0 to 100/);
  });

  test('a plan that is not an object is reported and later plans keep their own numbers', () => {
    const problems = problemsOf({ plan: [5, { fields: { ID: { strategy: 'email' } } }] });
    assert.deepEqual(problems.map((p) => p.field), ['plan.0', 'plan.1.fields.ID.strategy']);
  });

  test('a text strategy on a non-string column is rejected, naming the field', () => {
    const problems = problemsOf({ plan: [{ fields: { id: { strategy: 'email' } } }] });
    assert.equal(problemAt(problems, 'plan.0.fields.id.strategy'), '"email" generates text and suits only VARCHAR and CHAR columns; id is INT');
  });

  test('zipf on a UUID needs values', () => {
    const problems = problemsOf({ plan: [{ fields: { u: { strategy: 'zipf' } } }] }, table([['u', 'UUID']]));
    assert.match(problemAt(problems, 'plan.0.fields.u.strategy'), /needs "values"/);
  });

  test('ranges must be non-empty, of the right kind and within the type', () => {
    const sqlTable = table([['i', 'TINYINT'], ['d', 'DATE'], ['s', 'VARCHAR'], ['a', 'INT ARRAY'], ['t', 'TIMESTAMP']]);
    const problems = problemsOf({
      plan: [{
        fields: {
          i: { range: [0, 1000] }, d: { range: ['2024-01-02', '2024-01-01'] }, s: { strategy: 'words', range: [-1, 3] },
          a: { range: [3, 3] }, t: { range: ['yesterday', 'today'] },
        },
      }],
    }, sqlTable);
    assert.match(problemAt(problems, 'plan.0.fields.i.range'), /must lie within TINYINT: -128 to 127/);
    assert.match(problemAt(problems, 'plan.0.fields.d.range'), /is empty: min must be less than max/);
    assert.match(problemAt(problems, 'plan.0.fields.s.range'), /must not be negative/);
    assert.match(problemAt(problems, 'plan.0.fields.a.range'), /is empty/);
    assert.match(problemAt(problems, 'plan.0.fields.t.range'), /must be two milliseconds since 1970-01-01 or timestamps/);
  });

  test('values must suit the column type; null_percentage and NULL values need a nullable column', () => {
    const problems = problemsOf({ plan: [{ fields: { id: { values: [1, 'two', null], null_percentage: 10 }, sort: { values: [] } } }] });
    assert.match(problemAt(problems, 'plan.0.fields.id.values.1'), /is not a valid INT: expected an integer, got "two"/);
    assert.equal(problemAt(problems, 'plan.0.fields.id.values.2'), 'is null, but id is NOT NULL');
    assert.equal(problemAt(problems, 'plan.0.fields.id.null_percentage'), 'cannot be used: id is NOT NULL');
    assert.match(problemAt(problems, 'plan.0.fields.sort.values'), /non-empty list/);
  });

  test('unknown struct fields are rejected with a suggestion', () => {
    const problems = problemsOf({ plan: [{ fields: { r: { fields: { streat: {} } } } }] }, table([['r', 'ROW(street VARCHAR)']]));
    assert.equal(problemAt(problems, 'plan.0.fields.r.fields.streat'), 'is not a field of ROW(street VARCHAR); did you mean street?');
  });

  test('quoted column names match exactly, unquoted ones case-insensitively', () => {
    const sqlTable = table([['Mixed', 'INT'], ['lower', 'INT']]);
    assert.doesNotThrow(() => datagen({ plan: [{ fields: { Mixed: {} } }] }, sqlTable));
    assert.doesNotThrow(() => datagen({ plan: [{ fields: { '"Mixed"': {}, LOWER: {} } }] }, sqlTable));
    const problems = problemsOf({ plan: [{ fields: { mixed: {}, LOWER: {} } }, { fields: { lower: {}, Lower: {} } }] }, sqlTable);
    assert.deepEqual(problems, [
      { field: 'plan.0.fields.mixed', message: 'is not a column of the table; did you mean Mixed?' },
      { field: 'plan.1.fields.Lower', message: 'names lower a second time' },
    ]);
  });

  test('datagen takes no format section, and transport names get suggestions', () => {
    assert.throws(
      () => createInputConnector({ name: 'datagen', config: {}, format: { name: 'json' } }, { connector: CONNECTOR, table: T0, baseDir: '.' }),
      (error: unknown) => error instanceof ConfigError && error.problems[0]?.field === 'format',
    );
    assert.throws(
      () => createInputConnector({ name: 'datagn', config: {} }, { connector: CONNECTOR, table: T0, baseDir: '.' }),
      (error: unknown) => error instanceof ConfigError && /"datagn" is not an input transport; did you mean datagen\?/.test(error.message),
    );
  });
});
