/**
 * The `dynamodb_output` connector configuration: one zod schema that validates it and documents
 * it (DYNAMODB_OUTPUT_OPTIONS is derived from the same schema, so docs and checks cannot drift).
 * Every problem is reported at once, each naming its rule and the offending value, except for the
 * AWS credentials, whose values never appear in a message or in `redactConfig` output.
 */
import { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../../errors.js';
import { closestName } from '../../util/closest-name.js';
import { ConfigProblems, kindOf, showValue } from '../../util/config-problems.js';

export type WriteMode = 'batch' | 'transactional';

export interface DynamoDBOutputConfig {
  table: string;
  region: string;
  endpoint_url?: string;
  aws_access_key_id?: string;
  aws_secret_access_key?: string;
  write_mode: WriteMode;
  batch_size: number;
  max_buffer_size_bytes: number;
  max_concurrent_requests: number;
  threads: number;
  /** `null` retries forever. */
  max_retries: number | null;
  /** Milliseconds a request may wait for DynamoDB's answer before it fails as a timeout. */
  request_timeout_millis: number;
  /** Overlap the writes of consecutive steps, keeping per-key order. */
  pipelined_steps: boolean;
  put_condition_expression?: string;
  delete_condition_expression?: string;
  /** File that receives, one JSON line each, the records the connector gives up on. */
  dead_letter_path?: string;
  /** USD per million write request units, for the estimated cost of an on-demand table. */
  price_per_million_write_units: number;
  /** USD per provisioned WCU per hour, for the estimated cost of a provisioned table. */
  price_per_wcu_hour: number;
}

export interface OptionDoc {
  name: string;
  type: string;
  default: string;
  description: string;
  required: boolean;
}

/** DynamoDB's own limits: BatchWriteItem takes 25 requests, TransactWriteItems 100 actions. */
export const MAX_BATCH_SIZE: Readonly<Record<WriteMode, number>> = { batch: 25, transactional: 100 };

/** Each thread runs its own DynamoDB client with up to `max_concurrent_requests` writes in flight,
 * so beyond a few dozen threads the pipeline, not the connector, is the bottleneck. */
export const MAX_THREADS = 64;

/** Node's timers fire at once for longer delays, which would turn a long timeout into none. */
const MAX_TIMER_MILLIS = 2_147_483_647;

/** The options whose values are secrets: never shown in a message, a log or `settings`. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set(['aws_access_key_id', 'aws_secret_access_key']);
const REDACTED = '***';

interface OptionMeta {
  description: string;
  /** The check the value failed, phrased to follow the field name: "batch_size: must be ...". */
  rule: string;
  /** For a default that depends on other options and so cannot be a zod default. */
  defaultText?: string;
}

const optionMeta = z.registry<OptionMeta>();

const nonBlank = (text: string): boolean => text.trim().length > 0;

const conditionExpression = (put: 'Put' | 'Delete'): z.ZodOptional<z.ZodString> => z.string()
  .refine(nonBlank)
  .optional()
  .register(optionMeta, {
    description: `ConditionExpression attached to every ${put} in transactional mode. A ${put} whose condition `
      + 'fails is skipped (counted in dynamodb_output_condition_check_failures_total) and the rest of its '
      + 'transaction is retried without it. Attribute names are written directly: the expression cannot use '
      + 'ExpressionAttributeNames or ExpressionAttributeValues placeholders. Only allowed when write_mode is '
      + '"transactional".',
    rule: 'must be a non-blank condition expression',
  });

const OPTIONS_SCHEMA = z.strictObject({
  table: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/).register(optionMeta, {
    description: 'Name of the DynamoDB table to write to. Must be between 3 and 255 characters and contain only '
      + 'letters, numbers, hyphens, underscores, and dots.',
    rule: 'must be 3 to 255 characters, each a letter, digit, "-", "_" or "."',
  }),
  region: z.string().refine(nonBlank).register(optionMeta, {
    description: 'AWS region where the DynamoDB table resides, e.g., "us-east-1".',
    rule: 'must be a non-blank AWS region name such as "us-east-1"',
  }),
  endpoint_url: z.url({ protocol: /^https?$/ }).optional().register(optionMeta, {
    description: 'Optional endpoint URL override, for example when using a local DynamoDB-compatible service such '
      + 'as DynamoDB Local. Must be an http:// or https:// URL.',
    rule: 'must be an http:// or https:// URL such as "http://localhost:8000"',
  }),
  aws_access_key_id: z.string().refine(nonBlank).optional().register(optionMeta, {
    description: 'AWS access key ID for static credentials. Must be specified together with aws_secret_access_key. '
      + 'If both are omitted, the connector uses the default AWS credential provider chain (environment '
      + 'variables, ~/.aws/credentials, IAM roles for Amazon EKS, and so forth).',
    rule: 'must be a non-blank string',
  }),
  aws_secret_access_key: z.string().refine(nonBlank).optional().register(optionMeta, {
    description: 'AWS secret access key for static credentials. Must be specified together with aws_access_key_id.',
    rule: 'must be a non-blank string',
  }),
  write_mode: z.enum(['batch', 'transactional']).default('batch').register(optionMeta, {
    description: 'Write mode to use when flushing records ("batch" or "transactional").',
    rule: 'must be "batch" or "transactional"',
  }),
  batch_size: z.int().min(1).max(MAX_BATCH_SIZE.transactional).optional().register(optionMeta, {
    description: 'Maximum number of write requests per DynamoDB API call. Defaults to 25 for batch mode and 100 for '
      + 'transactional mode, which are the respective DynamoDB limits.',
    rule: 'must be an integer from 1 to 25 in batch mode or from 1 to 100 in transactional mode',
    defaultText: '25 (batch) / 100 (transactional)',
  }),
  max_buffer_size_bytes: z.int().min(1).default(1_048_576).register(optionMeta, {
    description: 'Maximum number of bytes buffered by each worker thread before flushing to DynamoDB. Default is '
      + '1 MiB (1048576 bytes).',
    rule: 'must be an integer of at least 1',
  }),
  max_concurrent_requests: z.int().min(1).default(64).register(optionMeta, {
    description: 'Maximum number of DynamoDB write requests in flight per worker thread at any one time. The '
      + 'connector blocks the encoding thread when this limit is reached, applying backpressure to the pipeline.',
    rule: 'must be an integer of at least 1',
  }),
  threads: z.int().min(1).max(MAX_THREADS).default(1).register(optionMeta, {
    description: 'Number of parallel worker threads used to encode and write disjoint key ranges. Each thread makes '
      + 'its own DynamoDB API calls. Increasing this value can improve throughput for large batches. At most '
      + `${MAX_THREADS}.`,
    rule: `must be an integer from 1 to ${MAX_THREADS}`,
  }),
  max_retries: z.int().min(0).nullable().default(10).register(optionMeta, {
    description: 'Maximum number of retries for a failed or partially-applied DynamoDB write. For batch mode, '
      + 'retries apply to items returned as unprocessed in a successful response. For transactional mode, '
      + 'retries apply to failed TransactWriteItems calls. Set to null to retry indefinitely. Transient errors '
      + 'such as throttling are first retried by the AWS SDK (5 attempts per call), which does not count toward '
      + 'this limit; a call that still fails after those counts as one retry.',
    rule: 'must be an integer of at least 0, or null to retry forever',
  }),
  request_timeout_millis: z.int().min(1).max(MAX_TIMER_MILLIS).default(30_000).register(optionMeta, {
    description: 'Milliseconds a DynamoDB request may wait for its answer before it is abandoned as a timeout, which is '
      + 'retried like a 5xx answer. A write that timed out may still have been applied: batch writes are idempotent, '
      + 'and a transaction is retried with the same ClientRequestToken, so it is not applied twice.',
    rule: `must be an integer from 1 to ${MAX_TIMER_MILLIS}`,
  }),
  pipelined_steps: z.boolean().default(false).register(optionMeta, {
    description: 'Start writing a step while the previous step\'s writes are still in flight, instead of waiting for '
      + 'them (the step barrier). A write to a key never overtakes an earlier write to the same key, steps still '
      + 'complete in order, and of several writes to one key that wait behind an earlier one only the newest is sent.',
    rule: 'must be true or false',
  }),
  put_condition_expression: conditionExpression('Put'),
  delete_condition_expression: conditionExpression('Delete'),
  dead_letter_path: z.string().refine(nonBlank).optional().register(optionMeta, {
    description: 'File to which every record the connector gives up on is appended as one JSON line (see Dead '
      + 'letters): over 400 KB, a value DynamoDB cannot store, a uniqueness violation, rejected by DynamoDB, or '
      + 'retries exhausted. Created if missing; a path that cannot be opened for appending is a configuration error. '
      + 'Writes suppressed by a condition expression are not dead letters.',
    rule: 'must be a non-blank file path',
  }),
  // us-east-1 list prices of the Standard table class as published after the November 2024 price cut.
  price_per_million_write_units: z.number().min(0).default(0.625).register(optionMeta, {
    description: 'Price in USD of one million write request units, used for the estimated cost of an on-demand '
      + '(PAY_PER_REQUEST) table in /status and the final summary. The default is the us-east-1 list price as '
      + 'published in November 2024; set your region\'s price.',
    rule: 'must be a number of at least 0',
  }),
  price_per_wcu_hour: z.number().min(0).default(0.00065).register(optionMeta, {
    description: 'Price in USD of one provisioned write capacity unit for one hour, used for the estimated cost of a '
      + 'provisioned table in /status and the final summary. The default is the us-east-1 list price as published '
      + 'in November 2024; set your region\'s price.',
    rule: 'must be a number of at least 0',
  }),
});

type OptionName = keyof typeof OPTIONS_SCHEMA.shape;
const OPTION_NAMES = Object.keys(OPTIONS_SCHEMA.shape) as OptionName[];

export function parseDynamoDBOutputConfig(input: unknown, connector: string): DynamoDBOutputConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError(`connector ${connector}`, [
      { field: '', message: `the configuration must be a JSON object of options (got ${kindOf(input)})` },
    ], { connector });
  }
  const raw = input as Record<string, unknown>;
  const problems = new ConfigProblems();

  const parsed = OPTIONS_SCHEMA.safeParse(raw);
  for (const issue of parsed.error?.issues ?? []) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.add(key, unknownOptionMessage(key));
    } else {
      const field = String(issue.path[0]);
      problems.add(field, shapeMessage(field as OptionName, raw));
    }
  }
  for (const problem of crossFieldProblems(raw)) problems.add(problem.field, problem.message);

  if (!parsed.success || problems.size > 0) {
    throw new ConfigError(`connector ${connector}`, problems.list(), { connector });
  }
  const config = parsed.data;
  return { ...config, batch_size: config.batch_size ?? MAX_BATCH_SIZE[config.write_mode] };
}


function shapeMessage(field: OptionName, raw: Record<string, unknown>): string {
  const rule = field === 'batch_size' ? batchSizeRule(writeModeOf(raw)) : ruleOf(field);
  if (raw[field] === undefined) return `is required and ${rule}`;
  return SECRET_FIELDS.has(field) ? rule : `${rule} (got ${showValue(raw[field])})`;
}

/** Rules that relate options to each other; each is checked only when the options involved are present. */
function crossFieldProblems(raw: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const mode = writeModeOf(raw);

  const batchSize = raw['batch_size'];
  if (mode !== undefined && typeof batchSize === 'number' && batchSize > MAX_BATCH_SIZE[mode]) {
    problems.push({ field: 'batch_size', message: `${batchSizeRule(mode)} (got ${batchSize})` });
  }

  const hasKeyId = raw['aws_access_key_id'] !== undefined;
  const hasSecret = raw['aws_secret_access_key'] !== undefined;
  if (hasKeyId !== hasSecret) {
    const [missing, given] = hasKeyId
      ? ['aws_secret_access_key', 'aws_access_key_id']
      : ['aws_access_key_id', 'aws_secret_access_key'];
    problems.push({
      field: missing,
      message: `must be set together with ${given}; omit both to use the default AWS credential provider chain`,
    });
  }

  if (mode === 'batch') {
    for (const field of ['put_condition_expression', 'delete_condition_expression']) {
      if (raw[field] !== undefined) {
        problems.push({ field, message: 'is only allowed when write_mode is "transactional" (write_mode is "batch")' });
      }
    }
  }
  return problems;
}

/**
 * The write mode that mode-dependent rules apply. Undefined when write_mode itself is invalid: that
 * is reported on its own, and judging other options by a mode the user did not ask for would mislead.
 */
function writeModeOf(raw: Record<string, unknown>): WriteMode | undefined {
  const mode = raw['write_mode'] ?? 'batch';
  return mode === 'batch' || mode === 'transactional' ? mode : undefined;
}

function batchSizeRule(mode: WriteMode | undefined): string {
  return mode === undefined
    ? ruleOf('batch_size')
    : `must be an integer from 1 to ${MAX_BATCH_SIZE[mode]} in ${mode} mode`;
}

function ruleOf(field: OptionName): string {
  return metaOf(field).rule;
}

function metaOf(field: OptionName): OptionMeta {
  const meta = optionMeta.get(OPTIONS_SCHEMA.shape[field]);
  if (!meta) throw new Error(`option ${field} has no documentation`);
  return meta;
}

function unknownOptionMessage(key: string): string {
  const suggestion = closestName(key, OPTION_NAMES);
  return suggestion === undefined
    ? `is not a DynamoDB output option (the options are ${OPTION_NAMES.join(', ')})`
    : `is not a DynamoDB output option; did you mean ${suggestion}?`;
}

export function redactConfig(config: DynamoDBOutputConfig): Record<string, unknown> {
  const redacted: Record<string, unknown> = { ...config };
  for (const field of SECRET_FIELDS) {
    if (redacted[field] !== undefined) redacted[field] = REDACTED;
  }
  return redacted;
}

export const DYNAMODB_OUTPUT_OPTIONS: readonly OptionDoc[] = documentOptions();

function documentOptions(): OptionDoc[] {
  const jsonSchema = z.toJSONSchema(OPTIONS_SCHEMA, { io: 'input', metadata: optionMeta });
  const required = new Set(jsonSchema.required ?? []);
  return OPTION_NAMES.map((name) => {
    const property = jsonSchema.properties?.[name];
    if (typeof property !== 'object') throw new Error(`option ${name} is missing from the JSON schema`);
    const meta = metaOf(name);
    const isRequired = required.has(name);
    return {
      name,
      type: jsonTypeName(property),
      default: defaultText(property.default, meta, isRequired),
      description: meta.description,
      required: isRequired,
    };
  });
}

/** A required option has no default; an optional one without a default is "none" (the option is simply unset). */
function defaultText(value: unknown, meta: OptionMeta, required: boolean): string {
  if (value !== undefined) return String(value);
  return meta.defaultText ?? (required ? '' : 'none');
}

function jsonTypeName(property: z.core.JSONSchema.JSONSchema): string {
  if (property.anyOf) {
    return property.anyOf.map((member) => (typeof member === 'object' ? jsonTypeName(member) : 'any')).join(' or ');
  }
  return Array.isArray(property.type) ? property.type.join(' or ') : property.type ?? 'any';
}
