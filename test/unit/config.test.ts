import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DYNAMODB_OUTPUT_OPTIONS, parseDynamoDBOutputConfig, redactConfig, type DynamoDBOutputConfig,
} from '../../src/connectors/dynamodb/config.js';
import { ConfigError, type ConfigProblem } from '../../src/errors.js';

const CONNECTOR = 'v1.dynamodb-0';
const MINIMAL = { table: 'feldera_out', region: 'us-east-1' };

function parse(overrides: Record<string, unknown>): DynamoDBOutputConfig {
  return parseDynamoDBOutputConfig({ ...MINIMAL, ...overrides }, CONNECTOR);
}

/** The problems reported for a configuration that must be rejected. */
function problemsOf(input: unknown): readonly ConfigProblem[] {
  try {
    parseDynamoDBOutputConfig(input, CONNECTOR);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail(`configuration was accepted: ${JSON.stringify(input)}`);
}

function onlyProblem(overrides: Record<string, unknown>): ConfigProblem {
  const problems = problemsOf({ ...MINIMAL, ...overrides });
  assert.equal(problems.length, 1, JSON.stringify(problems));
  return problems[0] as ConfigProblem;
}

describe('defaults', () => {
  test('only table and region are required; every other option takes its documented default', () => {
    assert.deepEqual(parseDynamoDBOutputConfig(MINIMAL, CONNECTOR), {
      table: 'feldera_out',
      region: 'us-east-1',
      write_mode: 'batch',
      batch_size: 25,
      max_buffer_size_bytes: 1_048_576,
      max_concurrent_requests: 64,
      threads: 1,
      max_retries: 10,
      request_timeout_millis: 30_000,
      pipelined_steps: false,
      price_per_million_write_units: 0.625,
      price_per_wcu_hour: 0.00065,
    });
  });

  test('batch_size defaults to 25 for batch mode and 100 for transactional mode', () => {
    assert.equal(parse({ write_mode: 'batch' }).batch_size, 25);
    assert.equal(parse({ write_mode: 'transactional' }).batch_size, 100);
  });

  test('an explicit batch_size is kept in either mode', () => {
    assert.equal(parse({ batch_size: 10 }).batch_size, 10);
    assert.equal(parse({ write_mode: 'transactional', batch_size: 60 }).batch_size, 60);
  });

  test('set max_retries to null to retry indefinitely', () => {
    assert.equal(parse({ max_retries: null }).max_retries, null);
    assert.equal(parse({ max_retries: 0 }).max_retries, 0);
  });

  test('optional settings are passed through unchanged', () => {
    const config = parse({
      endpoint_url: 'http://localhost:8000',
      aws_access_key_id: 'AKIDEXAMPLE',
      aws_secret_access_key: 'secret/example+key',
      write_mode: 'transactional',
      threads: 64,
      max_concurrent_requests: 128,
      max_buffer_size_bytes: 1,
      put_condition_expression: 'attribute_not_exists(id)',
      delete_condition_expression: 'attribute_exists(id)',
    });
    assert.equal(config.endpoint_url, 'http://localhost:8000');
    assert.equal(config.aws_access_key_id, 'AKIDEXAMPLE');
    assert.equal(config.aws_secret_access_key, 'secret/example+key');
    assert.equal(config.threads, 64);
    assert.equal(config.max_concurrent_requests, 128);
    assert.equal(config.max_buffer_size_bytes, 1);
    assert.equal(config.put_condition_expression, 'attribute_not_exists(id)');
    assert.equal(config.delete_condition_expression, 'attribute_exists(id)');
  });
});

describe('each rule names the field, the rule and the bad value', () => {
  const TABLE_RULE = 'must be 3 to 255 characters, each a letter, digit, "-", "_" or "."';
  const cases: Array<[string, Record<string, unknown>, ConfigProblem]> = [
    ['table is required', { table: undefined }, { field: 'table', message: `is required and ${TABLE_RULE}` }],
    ['table must have at least 3 characters', { table: 'ab' }, { field: 'table', message: `${TABLE_RULE} (got "ab")` }],
    ['table must not contain spaces', { table: 'my table' }, { field: 'table', message: `${TABLE_RULE} (got "my table")` }],
    ['table must be a string', { table: 42 }, { field: 'table', message: `${TABLE_RULE} (got 42)` }],
    ['region is required', { region: undefined },
      { field: 'region', message: 'is required and must be a non-blank AWS region name such as "us-east-1"' }],
    ['region must not be blank', { region: '  ' },
      { field: 'region', message: 'must be a non-blank AWS region name such as "us-east-1" (got "  ")' }],
    ['endpoint_url must be http or https', { endpoint_url: 'ftp://localhost:8000' },
      { field: 'endpoint_url', message: 'must be an http:// or https:// URL such as "http://localhost:8000" (got "ftp://localhost:8000")' }],
    ['endpoint_url must be a URL', { endpoint_url: 'localhost' },
      { field: 'endpoint_url', message: 'must be an http:// or https:// URL such as "http://localhost:8000" (got "localhost")' }],
    ['write_mode must be batch or transactional', { write_mode: 'bulk' },
      { field: 'write_mode', message: 'must be "batch" or "transactional" (got "bulk")' }],
    ['batch_size is at most 25 in batch mode', { batch_size: 30 },
      { field: 'batch_size', message: 'must be an integer from 1 to 25 in batch mode (got 30)' }],
    ['batch_size is at most 100 in transactional mode', { write_mode: 'transactional', batch_size: 101 },
      { field: 'batch_size', message: 'must be an integer from 1 to 100 in transactional mode (got 101)' }],
    ['batch_size is at least 1', { batch_size: 0 },
      { field: 'batch_size', message: 'must be an integer from 1 to 25 in batch mode (got 0)' }],
    ['batch_size must be an integer', { batch_size: 2.5 },
      { field: 'batch_size', message: 'must be an integer from 1 to 25 in batch mode (got 2.5)' }],
    ['batch_size must be a number, not a numeric string', { batch_size: '25' },
      { field: 'batch_size', message: 'must be an integer from 1 to 25 in batch mode (got "25")' }],
    ['max_buffer_size_bytes must be greater than 0', { max_buffer_size_bytes: 0 },
      { field: 'max_buffer_size_bytes', message: 'must be an integer of at least 1 (got 0)' }],
    ['max_concurrent_requests must be greater than 0', { max_concurrent_requests: -1 },
      { field: 'max_concurrent_requests', message: 'must be an integer of at least 1 (got -1)' }],
    ['threads must be at least 1', { threads: 0 }, { field: 'threads', message: 'must be an integer from 1 to 64 (got 0)' }],
    ['threads must be at most 64', { threads: 65 }, { field: 'threads', message: 'must be an integer from 1 to 64 (got 65)' }],
    ['max_retries must not be negative', { max_retries: -1 },
      { field: 'max_retries', message: 'must be an integer of at least 0, or null to retry forever (got -1)' }],
    ['max_retries must be an integer', { max_retries: 1.5 },
      { field: 'max_retries', message: 'must be an integer of at least 0, or null to retry forever (got 1.5)' }],
    ['request_timeout_millis must be at least 1', { request_timeout_millis: 0 },
      { field: 'request_timeout_millis', message: 'must be an integer from 1 to 2147483647 (got 0)' }],
    ['request_timeout_millis must fit a Node timer', { request_timeout_millis: 2 ** 31 },
      { field: 'request_timeout_millis', message: 'must be an integer from 1 to 2147483647 (got 2147483648)' }],
    ['request_timeout_millis must be an integer', { request_timeout_millis: 'fast' },
      { field: 'request_timeout_millis', message: 'must be an integer from 1 to 2147483647 (got "fast")' }],
    ['price_per_million_write_units must not be negative', { price_per_million_write_units: -0.5 },
      { field: 'price_per_million_write_units', message: 'must be a number of at least 0 (got -0.5)' }],
    ['price_per_wcu_hour must be a number, not a price text', { price_per_wcu_hour: '$0.00065' },
      { field: 'price_per_wcu_hour', message: 'must be a number of at least 0 (got "$0.00065")' }],
    ['put_condition_expression is only allowed in transactional mode', { put_condition_expression: 'attribute_exists(id)' },
      { field: 'put_condition_expression', message: 'is only allowed when write_mode is "transactional" (write_mode is "batch")' }],
    ['delete_condition_expression is only allowed in transactional mode', { write_mode: 'batch', delete_condition_expression: 'x = 1' },
      { field: 'delete_condition_expression', message: 'is only allowed when write_mode is "transactional" (write_mode is "batch")' }],
    ['a condition expression must not be blank', { write_mode: 'transactional', put_condition_expression: ' ' },
      { field: 'put_condition_expression', message: 'must be a non-blank condition expression (got " ")' }],
    ['aws_secret_access_key must be given with aws_access_key_id', { aws_access_key_id: 'AKIDEXAMPLE' },
      { field: 'aws_secret_access_key', message: 'must be set together with aws_access_key_id; omit both to use the default AWS credential provider chain' }],
    ['aws_access_key_id must be given with aws_secret_access_key', { aws_secret_access_key: 'example' },
      { field: 'aws_access_key_id', message: 'must be set together with aws_secret_access_key; omit both to use the default AWS credential provider chain' }],
    ['static credentials must not be blank', { aws_access_key_id: 'AKIDEXAMPLE', aws_secret_access_key: '' },
      { field: 'aws_secret_access_key', message: 'must be a non-blank string' }],
  ];
  for (const [name, overrides, expected] of cases) {
    test(name, () => assert.deepEqual(onlyProblem(overrides), expected));
  }

  test('a long bad value is shortened in the message', () => {
    const { message } = onlyProblem({ table: 'x'.repeat(256) });
    assert.match(message, /\(got "x{76}\.\.\.\)$/);
  });

  test('table names of 3 and of 255 characters are accepted', () => {
    assert.equal(parse({ table: 'a.b' }).table, 'a.b');
    assert.equal(parse({ table: 'T-_.9'.repeat(51) }).table.length, 255);
  });

  test('with an invalid write_mode, batch_size and condition expressions are not judged by a mode nobody chose', () => {
    const problems = problemsOf({ ...MINIMAL, write_mode: 'transactionl', batch_size: 60, put_condition_expression: 'a = 1' });
    assert.deepEqual(problems.map((p) => p.field), ['write_mode']);
    const outOfAnyRange = problemsOf({ ...MINIMAL, write_mode: 'transactionl', batch_size: 101 });
    assert.deepEqual(outOfAnyRange.find((p) => p.field === 'batch_size'), {
      field: 'batch_size',
      message: 'must be an integer from 1 to 25 in batch mode or from 1 to 100 in transactional mode (got 101)',
    });
  });
});

describe('reporting', () => {
  test('all problems are reported at once, one per field', () => {
    const problems = problemsOf({ table: 'x', batch_size: 30, threads: 0, threds: 2, max_retries: 'forever' });
    assert.deepEqual(problems.map((p) => p.field).sort(), ['batch_size', 'max_retries', 'region', 'table', 'threads', 'threds']);
  });

  test('the error names the connector, carries it as context and lists each problem on its own line', () => {
    try {
      parseDynamoDBOutputConfig({ table: 'x', batch_size: 30 }, CONNECTOR);
      assert.fail('configuration was accepted');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.equal(error.context.connector, CONNECTOR);
      assert.equal(error.message.split('\n')[0], `invalid configuration for connector ${CONNECTOR}:`);
      assert.ok(error.message.includes('\n  - batch_size: must be an integer from 1 to 25 in batch mode (got 30)'));
      assert.equal(error.message.split('\n').length, 1 + error.problems.length);
    }
  });

  test('a configuration that is not a JSON object is rejected as a whole', () => {
    for (const input of [null, undefined, 'table=t', 42, [MINIMAL]]) {
      const problems = problemsOf(input);
      assert.equal(problems.length, 1);
      assert.equal(problems[0]?.field, '');
      assert.match(problems[0]?.message ?? '', /^the configuration must be a JSON object of options \(got (null|undefined|a string|a number|an array)\)$/);
    }
  });
});

describe('unknown fields', () => {
  const suggestions: Array<[string, string]> = [
    ['batchsize', 'batch_size'],
    ['batchSize', 'batch_size'],
    ['batch-size', 'batch_size'],
    ['threds', 'threads'],
    ['tabel', 'table'],
    ['Region', 'region'],
    ['max_retry', 'max_retries'],
    ['endpoint', 'endpoint_url'],
    ['aws_secret_acess_key', 'aws_secret_access_key'],
    ['price_per_million_write_unit', 'price_per_million_write_units'],
    ['price_per_wcu_hours', 'price_per_wcu_hour'],
  ];
  for (const [unknown, known] of suggestions) {
    test(`"${unknown}" is rejected with the suggestion "did you mean ${known}?"`, () => {
      assert.deepEqual(onlyProblem({ [unknown]: 1 }), {
        field: unknown,
        message: `is not a DynamoDB output option; did you mean ${known}?`,
      });
    });
  }

  test('a field close to no option is rejected with the list of options', () => {
    const { field, message } = onlyProblem({ colour: 'blue' });
    assert.equal(field, 'colour');
    assert.ok(!message.includes('did you mean'), message);
    for (const option of DYNAMODB_OUTPUT_OPTIONS) assert.ok(message.includes(option.name), option.name);
  });
});

describe('secrets', () => {
  const SECRET = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY';
  const NUMERIC_SECRET = 987654321012345;
  const leaks: Array<[string, unknown]> = [
    ['a secret key without its key id', { ...MINIMAL, aws_secret_access_key: SECRET }],
    ['a key id without its secret key', { ...MINIMAL, aws_access_key_id: SECRET }],
    ['a secret key in an array', { ...MINIMAL, aws_access_key_id: 'AKID', aws_secret_access_key: [SECRET] }],
    ['a secret key in an object', { ...MINIMAL, aws_access_key_id: 'AKID', aws_secret_access_key: { value: SECRET } }],
    ['a key id in an object with a numeric secret key', { ...MINIMAL, aws_access_key_id: { id: SECRET }, aws_secret_access_key: NUMERIC_SECRET }],
    ['a numeric key id alone', { ...MINIMAL, aws_access_key_id: NUMERIC_SECRET }],
    ['a secret key under a misspelled name', { ...MINIMAL, aws_secret_acess_key: SECRET, aws_access_key_id: 'AKID' }],
    ['a secret key under an unknown name', { ...MINIMAL, password: SECRET }],
    ['a secret key next to other problems', { table: 'x', batch_size: 30, aws_secret_access_key: `${SECRET}${SECRET}` }],
    ['a secret string instead of a configuration', SECRET],
    ['a secret key in a transactional-only configuration', { ...MINIMAL, aws_secret_access_key: SECRET, put_condition_expression: 'a = 1' }],
  ];
  for (const [shape, input] of leaks) {
    test(`credentials never appear in an error: ${shape}`, () => {
      let caught: unknown;
      try {
        parseDynamoDBOutputConfig(input, CONNECTOR);
      } catch (error) {
        caught = error;
      }
      assert.ok(caught instanceof ConfigError, 'configuration was accepted');
      const everything = [caught.message, String(caught.stack), JSON.stringify(caught.toJSON()), JSON.stringify(caught.problems)];
      for (const text of everything) {
        assert.ok(!text.includes(SECRET), text);
        assert.ok(!text.includes(String(NUMERIC_SECRET)), text);
      }
    });
  }

  test('redactConfig replaces the access key id and the secret access key with "***" and keeps the rest', () => {
    const config = parse({ aws_access_key_id: 'AKIDEXAMPLE', aws_secret_access_key: SECRET, endpoint_url: 'http://localhost:8000' });
    const redacted = redactConfig(config);
    assert.equal(redacted['aws_access_key_id'], '***');
    assert.equal(redacted['aws_secret_access_key'], '***');
    assert.equal(redacted['endpoint_url'], 'http://localhost:8000');
    assert.equal(redacted['batch_size'], 25);
    assert.ok(!JSON.stringify(redacted).includes(SECRET));
    assert.ok(!JSON.stringify(redacted).includes('AKIDEXAMPLE'));
    assert.equal(config.aws_secret_access_key, SECRET, 'the configuration itself is left intact');
  });

  test('redactConfig adds no credential fields when the default credential chain is used', () => {
    const redacted = redactConfig(parse({}));
    assert.ok(!('aws_access_key_id' in redacted));
    assert.ok(!('aws_secret_access_key' in redacted));
  });
});

describe('the option list used for documentation', () => {
  const ALL_FIELDS = [
    'table', 'region', 'endpoint_url', 'aws_access_key_id', 'aws_secret_access_key', 'write_mode', 'batch_size',
    'max_buffer_size_bytes', 'max_concurrent_requests', 'threads', 'max_retries', 'request_timeout_millis', 'pipelined_steps',
    'put_condition_expression', 'delete_condition_expression', 'dead_letter_path', 'price_per_million_write_units',
    'price_per_wcu_hour',
  ];

  test('documents every option, in the order of the product documentation', () => {
    assert.deepEqual(DYNAMODB_OUTPUT_OPTIONS.map((o) => o.name), ALL_FIELDS);
  });

  test('marks exactly table and region as required', () => {
    assert.deepEqual(DYNAMODB_OUTPUT_OPTIONS.filter((o) => o.required).map((o) => o.name), ['table', 'region']);
  });

  test('gives every option a type and a description', () => {
    for (const option of DYNAMODB_OUTPUT_OPTIONS) {
      assert.match(option.type, /^(string|integer|integer or null|boolean|number)$/, option.name);
      assert.ok(option.description.length > 20, option.name);
    }
    assert.equal(DYNAMODB_OUTPUT_OPTIONS.find((o) => o.name === 'max_retries')?.type, 'integer or null');
  });

  test('states the same defaults the parser applies, and "none" for an optional setting without one', () => {
    const parsed: Record<string, unknown> = { ...parseDynamoDBOutputConfig(MINIMAL, CONNECTOR) };
    for (const option of DYNAMODB_OUTPUT_OPTIONS) {
      if (option.name === 'batch_size') continue;
      const applied = parsed[option.name];
      const expected = option.required ? '' : applied === undefined ? 'none' : String(applied);
      assert.equal(option.default, expected, option.name);
    }
    assert.equal(DYNAMODB_OUTPUT_OPTIONS.find((o) => o.name === 'batch_size')?.default, '25 (batch) / 100 (transactional)');
  });
});
