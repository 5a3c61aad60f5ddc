/**
 * Loading a program file: parse, analyse, and compile its connectors, collecting every problem.
 */
import { readFile } from 'node:fs/promises';
import { DynaviewError } from '../errors.js';
import { buildCatalog, type Catalog } from '../engine/catalog.js';
import { parseProgramWithProblems } from '../sql/parser.js';
import type { InputTransports } from '../connectors/inputs/input.js';
import { compileEndpoints, type Endpoints } from './endpoints.js';

export interface LoadedProgram {
  file: string;
  source: string;
  catalog: Catalog;
  endpoints: Endpoints;
  /** Everything wrong with the program; it can run only when this is empty. */
  problems: DynaviewError[];
  /** What is allowed but probably wrong (an index not known to be unique). */
  warnings: DynaviewError[];
}

export async function loadProgram(file: string): Promise<LoadedProgram> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    throw new DynaviewError('PROGRAM_UNREADABLE', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { context: { file } });
  }
  return compileSource(source, file);
}

export interface CompileOptions {
  /** The input transports connectors may name in place of dynaview's own, e.g. a test's. */
  inputTransports?: InputTransports;
}

export function compileSource(source: string, file: string, options: CompileOptions = {}): LoadedProgram {
  const program = parseProgramWithProblems(source, file);
  const { catalog, problems, warnings } = buildCatalog(program, file);
  const endpoints = compileEndpoints(catalog, source, file, options.inputTransports);
  const all = [...program.problems, ...problems, ...endpoints.problems].sort((a, b) => (a.context.line ?? 0) - (b.context.line ?? 0) || (a.context.col ?? 0) - (b.context.col ?? 0));
  return { file, source, catalog, endpoints, problems: all, warnings };
}
