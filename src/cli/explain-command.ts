/**
 * `dynaview explain program.sql`: each view's columns and query plan, as the engine will run it.
 */
import { describeColumns, explainPlan } from '../plan/explain.js';
import { loadProgram } from '../pipeline/program.js';
import { ProgramInvalid } from './outcome.js';

export interface ExplainOptions {
  file: string;
  out: NodeJS.WritableStream;
}

export async function explainCommand(options: ExplainOptions): Promise<void> {
  const program = await loadProgram(options.file);
  if (program.problems.length > 0) throw new ProgramInvalid(program.problems);
  const sections: string[] = [];
  for (const relation of program.catalog.relations.values()) {
    if (relation.kind !== 'view') continue;
    sections.push(`view ${relation.name} (${describeColumns(relation.plan.columns.map((c, i) => ({ ...c, name: relation.columns[i]!.name })))})\n${indent(explainPlan(relation.plan))}`);
  }
  for (const warning of program.warnings) sections.push(`warning: ${warning.message}`);
  options.out.write(`${sections.join('\n\n')}\n`);
}

function indent(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n');
}
