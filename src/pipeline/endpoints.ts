/**
 * The `'connectors'` properties of tables and views: parsed, validated against the relation they
 * belong to, and turned into input and output endpoint definitions. Every problem is reported at
 * its line and column in the program.
 */
import { dirname } from 'node:path';
import { z } from 'zod';
import { ConfigError, DynaviewError, FollowOnProblem, SqlError } from '../errors.js';
import type { InputConnector, InputTransports } from '../connectors/inputs/input.js';
import { createInputConnector, INPUT_TRANSPORTS } from '../connectors/inputs/registry.js';
import { OUTPUT_INDEX_INVALID, type OutputDefinition, type OutputTransport } from '../connectors/outputs/output.js';
import { outputTransport, unknownOutputTransportMessage } from '../connectors/outputs/registry.js';
import type { Catalog, IndexDef, RelationDef, TableDef, ViewDef } from '../engine/catalog.js';
import type { Property } from '../sql/ast.js';
import { closestName } from '../util/closest-name.js';
import { isPlainObject } from '../util/config-problems.js';
import { PropertyJson, type JsonPath } from './property-json.js';

export interface OutputBufferSettings {
  enabled: boolean;
  /** Flush when the oldest buffered change is this old; null means no time limit. */
  maxTimeMillis: number | null;
  maxRecords: number;
}

export interface InputEndpoint {
  readonly name: string;
  /** The transport's name, as the program gives it (`file_input`, `datagen`, ...). */
  readonly transport: string;
  readonly table: TableDef;
  readonly connector: InputConnector;
  /** Changes of this input that may wait for the next step before its pushes are made to wait. */
  readonly maxQueuedRecords: number;
}

export interface OutputEndpoint {
  readonly name: string;
  readonly view: ViewDef;
  /** The index the connector names, if it names one. */
  readonly index: IndexDef | undefined;
  readonly connector: OutputDefinition;
  readonly buffer: OutputBufferSettings;
  readonly maxQueuedRecords: number;
}

export interface Endpoints {
  inputs: InputEndpoint[];
  outputs: OutputEndpoint[];
  problems: DynaviewError[];
}

/** Feldera's default for inputs and outputs alike. */
export const DEFAULT_MAX_QUEUED_RECORDS = 1_000_000;
const DEFAULT_MAX_BUFFER_RECORDS = 10_000_000;

const transportSchema = z.strictObject({ name: z.string().min(1), config: z.unknown().optional() });
const formatSchema = z.strictObject({ name: z.string().min(1), config: z.unknown().optional() });
const positiveInt = z.int().min(1);

const inputSchema = z.strictObject({
  name: z.string().min(1).optional(),
  transport: transportSchema,
  format: formatSchema.optional(),
  max_batch_size: positiveInt.optional(),
  max_queued_records: positiveInt.optional(),
});

const outputSchema = z.strictObject({
  name: z.string().min(1).optional(),
  transport: transportSchema,
  format: formatSchema.optional(),
  index: z.string().min(1).optional(),
  enable_output_buffer: z.boolean().default(false),
  max_output_buffer_time_millis: z.int().min(0).optional(),
  max_output_buffer_size_records: positiveInt.default(DEFAULT_MAX_BUFFER_RECORDS),
  max_queued_records: positiveInt.default(DEFAULT_MAX_QUEUED_RECORDS),
});

/** `inputTransports`: the input transports connectors may name, dynaview's own by default. */
export function compileEndpoints(catalog: Catalog, source: string, file: string | undefined, inputTransports: InputTransports = INPUT_TRANSPORTS): Endpoints {
  const endpoints: Endpoints = { inputs: [], outputs: [], problems: [] };
  for (const relation of catalog.relations.values()) {
    const properties = relation.statement.properties;
    for (const property of properties) {
      if (property.key.toLowerCase() !== 'connectors') {
        const misspelt = closestName(property.key, ['connectors']) !== undefined;
        endpoints.problems.push(new SqlError(misspelt ? 'SQL_INVALID' : 'SQL_NOT_SUPPORTED',
          misspelt ? `unknown property '${property.key}'; did you mean 'connectors'?` : `property '${property.key}' is not supported (only 'connectors' is)`,
          { line: property.keySpan.start.line, col: property.keySpan.start.col, ...(file === undefined ? {} : { file }) }));
        continue;
      }
      try {
        new EndpointCompiler(catalog, relation, property, source, file, endpoints, inputTransports).compile();
      } catch (error) {
        if (!(error instanceof DynaviewError)) throw error;
        endpoints.problems.push(error);
      }
    }
  }
  return endpoints;
}

class EndpointCompiler {
  private readonly json: PropertyJson;
  private readonly names = new Set<string>();

  constructor(
    private readonly catalog: Catalog,
    private readonly relation: RelationDef,
    property: Property,
    source: string,
    private readonly file: string | undefined,
    private readonly endpoints: Endpoints,
    private readonly inputTransports: InputTransports,
  ) {
    this.json = PropertyJson.parse(property, source, file);
  }

  compile(): void {
    const list = this.json.value();
    if (!Array.isArray(list)) throw this.json.errorAt([], 'SQL_INVALID', "'connectors' must be a JSON array of connector objects");
    list.forEach((connector: unknown, i) => {
      try {
        if (this.relation.kind === 'table') this.endpoints.inputs.push(this.input(connector, i, this.relation));
        else this.endpoints.outputs.push(this.output(connector, i, this.relation));
      } catch (error) {
        if (!(error instanceof DynaviewError)) throw error;
        if (!(error instanceof FollowOnProblem)) this.endpoints.problems.push(error);
      }
    });
  }

  private input(raw: unknown, i: number, table: TableDef): InputEndpoint {
    const connector = this.validate(inputSchema, raw, i);
    const name = this.endpointName(connector.name, i);
    try {
      return {
        name,
        transport: connector.transport.name,
        table,
        maxQueuedRecords: connector.max_queued_records ?? DEFAULT_MAX_QUEUED_RECORDS,
        connector: createInputConnector(
          transportOf(connector),
          {
            connector: name,
            table: { name: table.name, columns: table.columns, primaryKey: table.primaryKey },
            baseDir: this.baseDir,
          },
          this.inputTransports,
        ),
      };
    } catch (error) {
      throw this.positioned(error, [i, 'transport', 'config'], name);
    }
  }

  private output(raw: unknown, i: number, view: ViewDef): OutputEndpoint {
    const connector = this.validate(outputSchema, raw, i);
    const name = this.endpointName(connector.name, i);
    const transport = outputTransport(connector.transport.name);
    if (transport === undefined) {
      throw this.json.errorAt([i, 'transport', 'name'], 'SQL_INVALID', `connector ${name}: ${unknownOutputTransportMessage(connector.transport.name)}`);
    }
    const index = connector.index === undefined ? undefined : this.index(connector.index, view, [i, 'index'], name);
    if (transport.requiresIndex && index === undefined) {
      throw this.json.errorAt([i], 'SQL_INVALID',
        `connector ${name}: the ${transport.title} connector requires the view to have a unique key: declare one with `
          + `CREATE INDEX <name> ON ${view.name}(<key columns>) and name it in the connector's "index" property`);
    }
    let definition: OutputDefinition;
    try {
      definition = transport.define(
        transportOf(connector),
        {
          connector: name,
          view: { name: view.name, columns: view.columns },
          index: index === undefined ? undefined : { name: index.name, columns: index.columns },
          baseDir: this.baseDir,
        },
      );
    } catch (error) {
      throw this.positioned(error, [i, 'transport', 'config'], name);
    }
    return {
      name, view, index, connector: definition,
      maxQueuedRecords: connector.max_queued_records,
      buffer: {
        enabled: connector.enable_output_buffer,
        maxTimeMillis: connector.max_output_buffer_time_millis ?? null,
        maxRecords: connector.max_output_buffer_size_records,
      },
    };
  }

  /** The index named `name` at `path`, which must be an index of `view`. */
  private index(name: string, view: ViewDef, path: JsonPath, connector: string): IndexDef {
    const index = this.catalog.indexes.get(name) ?? this.catalog.indexes.get(name.toLowerCase());
    if (!index) {
      if (this.catalog.failed.indexes.has(name) || this.catalog.failed.indexes.has(name.toLowerCase())) throw new FollowOnProblem(`index ${name}`);
      const suggestion = closestName(name, [...this.catalog.indexes.values()].filter((i) => i.view === view.name).map((i) => i.name));
      throw this.json.errorAt(path, 'SQL_INVALID', `connector ${connector}: unknown index ${name}${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`);
    }
    if (index.view !== view.name) {
      throw this.json.errorAt(path, 'SQL_INVALID', `connector ${connector}: index ${index.name} is an index of view ${index.view}, not of ${view.name}`);
    }
    return index;
  }

  private get baseDir(): string {
    return this.file === undefined ? process.cwd() : dirname(this.file);
  }

  /** Checks connector `i` against its schema, reporting every problem at its own position. */
  private validate<S extends z.ZodObject>(schema: S, raw: unknown, i: number): z.output<S> {
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    const given = isPlainObject(raw) && typeof raw['name'] === 'string' ? raw['name'] : undefined;
    const name = this.nameOf(given, i);
    const errors = result.error.issues.flatMap((issue) => {
      const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => {
          const suggestion = closestName(key, Object.keys(schema.shape));
          return this.json.errorAt([i, ...path, key], 'SQL_INVALID',
            `connector ${name}: unknown connector property "${key}"${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`);
        });
      }
      const problem = valueAt(raw, path) === undefined ? 'is required' : issue.message;
      return [this.json.errorAt([i, ...path], 'SQL_INVALID', `connector ${name}: ${path.length > 0 ? `${path.join('.')}: ` : ''}${problem}`)];
    });
    const [first, ...rest] = errors;
    this.endpoints.problems.push(...rest);
    throw first ?? this.json.errorAt([i], 'SQL_INVALID', `connector ${name}: invalid connector`);
  }

  private nameOf(given: string | undefined, i: number): string {
    return `${this.relation.name}.${given ?? `unnamed-${i}`}`;
  }

  private endpointName(given: string | undefined, i: number): string {
    const name = this.nameOf(given, i);
    if (this.names.has(name)) throw this.json.errorAt([i, 'name'], 'SQL_INVALID', `two connectors of ${this.relation.name} are named ${given ?? ''}`);
    this.names.add(name);
    return name;
  }

  /** Places a connector's configuration error at the field it names. */
  private positioned(error: unknown, configPath: JsonPath, name: string): unknown {
    if (error instanceof ConfigError) {
      // One error per problem, each at its own field; all but the first are recorded here.
      const [first, ...rest] = error.problems.map((problem) => this.json.errorAt(
        problemPath(configPath, problem.field),
        'SQL_INVALID',
        `connector ${name}: ${problem.field ? `${problem.field}: ` : ''}${problem.message}`,
      ));
      this.endpoints.problems.push(...rest);
      return first;
    }
    if (error instanceof DynaviewError && !(error instanceof SqlError)) {
      const path = error.code === OUTPUT_INDEX_INVALID ? [configPath[0]!, 'index'] : configPath;
      return this.json.errorAt(path, 'SQL_INVALID', `connector ${name}: ${error.message}`);
    }
    return error;
  }
}

/** The connector's transport with its sibling format, as input and output factories take them. */
function transportOf(connector: z.output<typeof inputSchema> | z.output<typeof outputSchema>): OutputTransport {
  return { ...connector.transport, config: connector.transport.config, ...(connector.format ? { format: connector.format } : {}) };
}

function valueAt(root: unknown, path: JsonPath): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/**
 * Where a connector's configuration problem is in the JSON: fields are relative to the transport's
 * `config`, except the transport `name`, and the `format` section and `index`, which sit on the connector.
 */
function problemPath(configPath: JsonPath, field: string): JsonPath {
  const connector = configPath.slice(0, -2);
  const segments = field ? field.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)) : [];
  if (segments[0] === 'format' || segments[0] === 'index') return [...connector, ...segments];
  if (field === 'name') return [...connector, 'transport', 'name'];
  return [...configPath, ...segments];
}
