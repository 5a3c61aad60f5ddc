/**
 * `dynaview check program.sql`: parses and validates the program and every connector
 * configuration, reporting all problems at once; with --describe it also checks each output's
 * target as opening it would (a DynamoDB table's key schema against its index).
 */
import { DynaviewError } from '../errors.js';
import { loadProgram } from '../pipeline/program.js';
import { ProgramInvalid } from './outcome.js';

export interface CheckOptions {
  file: string;
  describe: boolean;
  out: NodeJS.WriteStream;
  /** Where warnings go (an index not known to be unique). */
  err: NodeJS.WritableStream;
}

export async function checkCommand(options: CheckOptions): Promise<void> {
  const program = await loadProgram(options.file);
  const problems = [...program.problems];
  const checked = options.describe ? program.endpoints.outputs.filter(({ connector }) => connector.checkTarget) : [];
  if (problems.length === 0) {
    for (const { connector } of checked) {
      try {
        await connector.checkTarget?.();
      } catch (error) {
        if (!(error instanceof DynaviewError)) throw error;
        problems.push(error);
      }
    }
  }
  if (problems.length > 0) throw new ProgramInvalid(problems);
  for (const warning of program.warnings) options.err.write(`warning: ${warning.message}\n`);
  const { catalog, endpoints } = program;
  const tables = [...catalog.relations.values()].filter((r) => r.kind === 'table').length;
  const views = catalog.relations.size - tables;
  options.out.write(`${options.file}: ok (${tables} table${tables === 1 ? '' : 's'}, ${views} view${views === 1 ? '' : 's'}, `
    + `${endpoints.inputs.length} input and ${endpoints.outputs.length} output connector${endpoints.outputs.length === 1 ? '' : 's'}`
    + `${checked.length > 0 ? '; every target table matches its index' : ''})\n`);
}
