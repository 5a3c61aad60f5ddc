// First: silences the SDK's Node version warning before any client is created.
import './sdk-warning.js';
export { openDynamoDBOutput, StepWriteError } from './connectors/dynamodb/output.js';
export type { DynamoDBOutput, DynamoDBOutputOptions, StepResult } from './connectors/dynamodb/output.js';
export type { DynamoDBOutputConfig, WriteMode } from './connectors/dynamodb/config.js';
export { DYNAMODB_OUTPUT_OPTIONS } from './connectors/dynamodb/config.js';
export type { DynamoDBWriteApi } from './connectors/dynamodb/chunk-writer.js';
export type { MetricsSnapshot } from './connectors/dynamodb/metrics.js';
export type { SkipReason } from './connectors/dynamodb/partition-writer.js';
export type { ColumnSpec, IndexSpec, Row, TypeCatalog, Update, ViewSpec } from './schema.js';
export { ConfigError, DynaviewError, InvalidValueError, SchemaMismatchError, SqlTypeError, TableNotFoundError } from './errors.js';
export type { ConfigProblem, ErrorContext, SerializedError } from './errors.js';
export { compileSource, loadProgram } from './pipeline/program.js';
export type { LoadedProgram } from './pipeline/program.js';
export { openPipeline, PipelineRun } from './pipeline/run.js';
export type { PipelineOptions } from './pipeline/run.js';
export type { PipelineStats } from './pipeline/pipeline-stats.js';
export type {
  OutputBatchResult, OutputCheckpoint, OutputConnector, OutputDefinition, OutputOpenOptions, OutputStatus,
} from './connectors/outputs/output.js';
export { OUTPUT_TRANSPORT_NAMES } from './connectors/outputs/registry.js';
export { startDynamoDBLocal } from './local/dynamodb-local.js';
export type { DynamoDBLocal, DynamoDBLocalOptions } from './local/dynamodb-local.js';
export { startSimulator } from './sim/server.js';
export type { Simulator } from './sim/server.js';
export type { SimulatorOptions, SimulatorSettings, SimulatorSettingsUpdate } from './sim/options.js';
