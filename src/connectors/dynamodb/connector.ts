/**
 * The DynamoDB output connector behind the output contract (`outputs/output.ts`): the
 * `dynamodb_output` transport validates its configuration (with `${env:NAME}` credentials) and
 * the view's index, and opens `openDynamoDBOutput`, whose step results become batch results.
 * Its writes need no checkpoint position: writing a step again puts and deletes the same keys'
 * latest values.
 */
import { resolve } from 'node:path';
import { ConfigError, DynaviewError } from '../../errors.js';
import type { IndexSpec, Update } from '../../schema.js';
import { NO_USER_TYPES } from '../../sql/resolve-type.js';
import { ConfigProblems } from '../../util/config-problems.js';
import {
  OUTPUT_INDEX_INVALID, type OutputBatchResult, type OutputConnector, type OutputContext, type OutputDefinition, type OutputOpenOptions,
  type OutputStatus, type OutputTransport, type OutputTransportEntry, type OutputView,
} from '../outputs/output.js';
import { describeCapacity } from './capacity-cost.js';
import { parseDynamoDBOutputConfig, redactConfig, type DynamoDBOutputConfig } from './config.js';
import { compileRowEncoder } from './encode.js';
import { checkTypedDynamoDBOutput, openTypedDynamoDBOutput, StepWriteError, type DynamoDBOutput } from './output.js';
import { resolveSecretReferences } from './secret-references.js';

export const dynamoDBOutputTransport: OutputTransportEntry = {
  title: 'DynamoDB output',
  requiresIndex: true,
  define: defineDynamoDBOutput,
};

function defineDynamoDBOutput(transport: OutputTransport, context: OutputContext): DynamoDBOutputDefinition {
  const { connector, view, index } = context;
  if (transport.format !== undefined) {
    throw new ConfigError(`connector ${connector}`, [{ field: 'format', message: 'is not allowed: the dynamodb_output transport writes DynamoDB items and takes no format' }],
      { connector });
  }
  if (index === undefined) throw new Error(`internal error: connector ${connector} has no index`);
  const parsed = parseConfigWithReferences(transport.config ?? {}, connector);
  // Like input files, a relative dead-letter file belongs next to the program, wherever it is run from.
  const config = parsed.dead_letter_path === undefined ? parsed : { ...parsed, dead_letter_path: resolve(context.baseDir, parsed.dead_letter_path) };
  const definition = new DynamoDBOutputDefinition(connector, config, view, index);
  try {
    compileRowEncoder({ connector, view, index, types: NO_USER_TYPES });
  } catch (error) {
    if (error instanceof DynaviewError && error.code === 'DYNAMODB_INDEX_INVALID') {
      throw new DynaviewError(OUTPUT_INDEX_INVALID, error.message, { context: error.context });
    }
    throw error;
  }
  return definition;
}

/**
 * The DynamoDB output configuration with its `${env:NAME}` references resolved. Every problem,
 * with a reference or with an option, is reported at once; the first one per option.
 */
function parseConfigWithReferences(raw: unknown, connector: string): DynamoDBOutputConfig {
  const resolved = resolveSecretReferences(raw);
  if (resolved.problems.length === 0) return parseDynamoDBOutputConfig(resolved.config, connector);
  const problems = new ConfigProblems();
  for (const problem of resolved.problems) problems.add(problem.field, problem.message);
  try {
    // An option whose reference failed still holds the reference text, which passes as a non-blank
    // credential, so the other options are checked as they will be once the reference resolves.
    parseDynamoDBOutputConfig(resolved.config, connector);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) problems.add(problem.field, problem.message);
  }
  throw new ConfigError(`connector ${connector}`, problems.list(), { connector });
}

export class DynamoDBOutputDefinition implements OutputDefinition {
  readonly settings: Readonly<Record<string, unknown>>;
  readonly target: string;

  constructor(
    readonly connector: string,
    readonly config: DynamoDBOutputConfig,
    /** Column types resolved, as the key schema of a table created for it needs them. */
    readonly view: OutputView,
    /** The view's unique key: the table's key. */
    readonly index: IndexSpec,
  ) {
    this.settings = redactConfig(config);
    this.target = `DynamoDB table ${config.table}`;
  }

  /** The same connector with some options replaced, e.g. pointed at another endpoint. */
  withConfig(changes: Partial<DynamoDBOutputConfig>): DynamoDBOutputDefinition {
    return new DynamoDBOutputDefinition(this.connector, { ...this.config, ...changes }, this.view, this.index);
  }

  /** DescribeTable: the table exists and its key is the index. */
  async checkTarget(): Promise<void> {
    await checkTypedDynamoDBOutput({ name: this.connector, config: this.config, view: this.view, index: this.index, types: NO_USER_TYPES });
  }

  async open(options: OutputOpenOptions): Promise<OutputConnector> {
    const output = await openTypedDynamoDBOutput({
      name: this.connector, config: this.config, view: this.view, index: this.index, types: NO_USER_TYPES,
      registry: options.registry, logger: options.logger,
    });
    return new DynamoDBConnector(output, this.config.pipelined_steps);
  }
}

/** A DynamoDB output as an output connector; writing with pipelined_steps, batches may overlap. */
export class DynamoDBConnector implements OutputConnector {
  constructor(private readonly output: DynamoDBOutput, readonly pipelined: boolean) {}

  async writeStep(changes: readonly Update[]): Promise<OutputBatchResult> {
    try {
      const result = await this.output.writeStep(changes);
      return { written: result.puts + result.deletes, failed: 0, problems: recordProblems(result.errors) };
    } catch (error) {
      if (!(error instanceof StepWriteError)) throw error;
      const { result } = error;
      return { written: result.puts + result.deletes, failed: result.failed, failure: error, problems: recordProblems(result.errors) };
    }
  }

  status(): OutputStatus {
    const m = this.output.metrics();
    const skipped = m.duplicate_keys_skipped + m.oversized_items_dropped + m.invalid_items_dropped + m.condition_check_failures;
    const capacity = this.output.capacity();
    return {
      written: m.records_written,
      retries: m.retries,
      dropped: m.oversized_items_dropped + m.invalid_items_dropped + m.duplicate_keys_skipped + m.failed_items,
      summary: `${m.records_written} written (${m.puts_written} puts, ${m.deletes_written} deletes), ${m.retries} retries, ${skipped} skipped, ${m.failed_items} failed`
        + `; ${describeCapacity(capacity)}`,
      metrics: m,
      capacity,
      hot_keys: this.output.hotKeys(),
    };
  }

  checkpoint(): Promise<null> {
    return Promise.resolve(null);
  }

  close(): Promise<void> {
    return this.output.close();
  }
}

/** A step's per-record problems; a false put or delete condition was asked for and is none. */
function recordProblems(errors: readonly DynaviewError[]): readonly DynaviewError[] {
  // Most steps have none: no copy for them.
  return errors.length === 0 ? errors : errors.filter((error) => error.code !== 'DYNAMODB_CONDITION_CHECK_FAILED');
}
