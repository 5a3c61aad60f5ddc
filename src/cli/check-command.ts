/**
 * `dynaview check program.sql`: parses and validates the program and every connector
 * configuration, reporting all problems at once; with --describe it also checks each target
 * table's key schema against its index.
 */
import { DynaviewError } from '../errors.js';
import { checkDynamoDBOutput } from '../connectors/dynamodb/output.js';
import { columnSpec } from '../engine/catalog.js';
import { loadProgram } from '../pipeline/program.js';
import { ProgramInvalid } from './outcome.js';

export interface CheckOptions {
  file: string;
  describe: boolean;
  out: NodeJS.WriteStream;
}

export async function checkCommand(options: CheckOptions): Promise<void> {
  const program = await loadProgram(options.file);
  const problems = [...program.problems];
  if (problems.length === 0 && options.describe) {
    for (const endpoint of program.endpoints.outputs) {
      try {
        await checkDynamoDBOutput({
          name: endpoint.name,
          config: endpoint.config,
          view: { name: endpoint.view.name, columns: endpoint.view.columns.map(columnSpec) },
          index: { name: endpoint.index.name, columns: endpoint.index.columns },
        });
      } catch (error) {
        if (!(error instanceof DynaviewError)) throw error;
        problems.push(error);
      }
    }
  }
  if (problems.length > 0) throw new ProgramInvalid(problems);
  const { catalog, endpoints } = program;
  const tables = [...catalog.relations.values()].filter((r) => r.kind === 'table').length;
  const views = catalog.relations.size - tables;
  options.out.write(`${options.file}: ok (${tables} table${tables === 1 ? '' : 's'}, ${views} view${views === 1 ? '' : 's'}, `
    + `${endpoints.inputs.length} input and ${endpoints.outputs.length} output connector${endpoints.outputs.length === 1 ? '' : 's'}`
    + `${options.describe ? '; every target table matches its index' : ''})\n`);
}
