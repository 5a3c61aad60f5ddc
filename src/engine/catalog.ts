/**
 * Semantic analysis of a parsed program: user types, tables, views (with their incremental
 * transforms) and indexes, each checked against what was declared before it. Problems are
 * collected, so that one run reports all of them.
 */
import { DynaviewError, SqlError, type SourceLocation } from '../errors.js';
import type { ColumnSpec, TypeCatalog } from '../schema.js';
import type { CreateIndex, CreateTable, CreateType, CreateView, Identifier, Program, Span, Statement, TypeText } from '../sql/ast.js';
import { formatSqlType, parseSqlType } from '../sql/parse-type.js';
import type { SqlType } from '../sql/sql-type.js';
import { resolveType } from '../connectors/dynamodb/encode.js';
import { compileExpression, compilePredicate, isTrue, type CompiledExpression } from './expressions.js';
import type { Tuple, Value } from './value.js';
import { consolidate, type ZSet } from './zset.js';

export interface Column {
  readonly name: string;
  /** Fully resolved: no user type names left. */
  readonly type: SqlType;
  readonly nullable: boolean;
}

export interface TableDef {
  readonly kind: 'table';
  readonly name: string;
  readonly columns: readonly Column[];
  readonly primaryKey: readonly string[];
  readonly statement: CreateTable;
}

export interface ViewDef {
  readonly kind: 'view';
  readonly name: string;
  readonly columns: readonly Column[];
  /** The table or view the query reads. */
  readonly source: string;
  /** The view's change for one step, given the source's change (the query is linear). */
  readonly transform: (delta: ZSet) => ZSet;
  readonly statement: CreateView;
}

export interface IndexDef {
  readonly name: string;
  readonly view: string;
  readonly columns: readonly string[];
  readonly statement: CreateIndex;
}

export type RelationDef = TableDef | ViewDef;

export interface Catalog {
  readonly file: string | undefined;
  readonly types: TypeCatalog;
  /** Tables and views in declaration order, so every view comes after what it reads. */
  readonly relations: ReadonlyMap<string, RelationDef>;
  readonly indexes: ReadonlyMap<string, IndexDef>;
}

export interface CatalogResult {
  catalog: Catalog;
  problems: DynaviewError[];
}

/** ColumnSpec (type as text) for connectors, from a resolved column. */
export function columnSpec(column: Column): ColumnSpec {
  return { name: column.name, type: formatSqlType(column.type), nullable: column.nullable };
}

export function buildCatalog(program: Program, file: string | undefined): CatalogResult {
  return new CatalogBuilder(file).build(program);
}

class CatalogBuilder {
  private readonly structs: Record<string, ColumnSpec[]> = {};
  private readonly aliases = new Map<string, SqlType>();
  private readonly relations = new Map<string, RelationDef>();
  private readonly indexes = new Map<string, IndexDef>();
  private readonly problems: DynaviewError[] = [];

  constructor(private readonly file: string | undefined) {}

  build(program: Program): CatalogResult {
    for (const statement of program.statements) {
      try {
        this.add(statement);
      } catch (error) {
        if (!(error instanceof DynaviewError)) throw error;
        this.problems.push(error);
      }
    }
    return {
      catalog: { file: this.file, types: this.structs, relations: this.relations, indexes: this.indexes },
      problems: this.problems,
    };
  }

  private add(statement: Statement): void {
    switch (statement.kind) {
      case 'CreateType':
        this.addType(statement);
        return;
      case 'CreateTable':
        this.addTable(statement);
        return;
      case 'CreateView':
        this.addView(statement);
        return;
      case 'CreateIndex':
        this.addIndex(statement);
        return;
      default: {
        const unreachable: never = statement;
        throw new Error(`unknown statement ${String(unreachable)}`);
      }
    }
  }

  private addType(statement: CreateType): void {
    const name = this.newName(statement.name, 'type', this.structs[statement.name.name] !== undefined || this.aliases.has(statement.name.name));
    if (statement.alias) {
      this.aliases.set(name, this.resolve(statement.alias));
      return;
    }
    this.structs[name] = (statement.fields ?? []).map((field) => ({
      name: field.name.name,
      type: formatSqlType(this.resolve(field.type)),
      nullable: field.nullable,
    }));
  }

  private addTable(statement: CreateTable): void {
    const name = this.newName(statement.name, 'table or view', this.relations.has(statement.name.name));
    const columns = this.columnsOf(statement.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable && !c.primaryKey })), name);
    const primaryKey = statement.primaryKey.map((key) => {
      const column = columns.find((c) => c.name === key.name);
      if (!column) throw this.error('SQL_INVALID', `primary key column ${key.name} is not a column of table ${name}`, key.span);
      if (['array', 'map', 'row', 'variant'].includes(column.type.kind)) {
        throw this.error('SQL_INVALID', `primary key column ${key.name} has type ${formatSqlType(column.type)}, which cannot be part of a primary key`, key.span);
      }
      return key.name;
    });
    const keyed = new Set(primaryKey);
    this.relations.set(name, {
      kind: 'table', name, primaryKey, statement,
      columns: columns.map((c) => (keyed.has(c.name) ? { ...c, nullable: false } : c)),
    });
  }

  private addView(statement: CreateView): void {
    const name = this.newName(statement.name, 'table or view', this.relations.has(statement.name.name));
    const query = statement.query;
    const source = this.relations.get(query.from.name.name);
    if (!source) {
      throw this.error('SQL_INVALID', `unknown table or view ${query.from.name.name} (it must be declared before view ${name})`, query.from.name.span);
    }
    const scope = {
      columns: source.columns,
      relationNames: [source.name, ...(query.from.alias ? [query.from.alias.name] : [])],
      types: this.structs,
      ...(this.file === undefined ? {} : { file: this.file }),
    };
    const where = query.where ? compilePredicate(query.where, scope) : null;

    const outputs: Array<{ name: string; span: Span; expression: CompiledExpression | null; sourceColumn: Column | null }> = [];
    query.items.forEach((item, i) => {
      if (item.kind === 'AllColumns') {
        for (const column of source.columns) outputs.push({ name: column.name, span: item.span, expression: null, sourceColumn: column });
        return;
      }
      const expression = compileExpression(item.expression, scope);
      const referenced = item.expression.kind === 'ColumnReference' ? item.expression.column.name : undefined;
      const reference = source.columns.find((c) => c.name === referenced);
      const implicit = referenced ?? `expr$${i}`;
      outputs.push({ name: item.alias?.name ?? implicit, span: item.alias?.span ?? item.span, expression: reference ? null : expression, sourceColumn: reference ?? null });
    });
    if (statement.columnNames) {
      if (statement.columnNames.length !== outputs.length) {
        throw this.error('SQL_INVALID',
          `view ${name} names ${statement.columnNames.length} column(s) but its query has ${outputs.length}`, statement.columnNames[0]!.span);
      }
      statement.columnNames.forEach((id, i) => { outputs[i] = { ...outputs[i]!, name: id.name, span: id.span }; });
    }
    const seen = new Set<string>();
    for (const output of outputs) {
      if (seen.has(output.name)) throw this.error('SQL_INVALID', `view ${name} has two columns named ${output.name}; give one an alias`, output.span);
      seen.add(output.name);
    }

    const columns: Column[] = outputs.map((o) => (o.sourceColumn
      ? { ...o.sourceColumn, name: o.name }
      : { name: o.name, type: o.expression!.type, nullable: o.expression!.nullable }));
    const names = columns.map((c) => c.name);
    const project = outputs.map((o) => (o.sourceColumn
      ? ((row: Tuple): Value => row[o.sourceColumn!.name] ?? null)
      : ((row: Tuple): Value => o.expression!.evaluate(row))));
    const evaluateWhere = where ? (row: Tuple): boolean => isTrue(where.evaluate(row)) : undefined;
    // A query that keeps every source column as it is maps distinct rows to distinct rows, so its
    // output of a consolidated delta is consolidated already.
    const keptColumns = new Set(outputs.map((o) => o.sourceColumn?.name));
    const injective = source.columns.every((c) => keptColumns.has(c.name));
    const transform = (delta: ZSet): ZSet => {
      const out: ZSet = [];
      for (const { row, weight } of delta) {
        // Engine rows hold values in the representation of value.ts.
        const tuple = row as Tuple;
        try {
          if (evaluateWhere && !evaluateWhere(tuple)) continue;
          const projected: Record<string, Value> = {};
          for (let i = 0; i < names.length; i += 1) projected[names[i]!] = project[i]!(tuple);
          out.push({ row: projected, weight });
        } catch (error) {
          throw new DynaviewError('SQL_RUNTIME_ERROR',
            `view ${name}: ${error instanceof Error ? error.message : String(error)} (evaluating a row of ${source.name})`,
            { context: { view: name }, cause: error });
        }
      }
      return injective ? out : consolidate(out, names);
    };
    this.relations.set(name, { kind: 'view', name, columns, source: source.name, transform, statement });
  }

  private addIndex(statement: CreateIndex): void {
    const name = this.newName(statement.name, 'index', this.indexes.has(statement.name.name));
    const relation = this.relations.get(statement.relation.name);
    if (!relation) throw this.error('SQL_INVALID', `unknown view ${statement.relation.name} for index ${name}`, statement.relation.span);
    if (relation.kind === 'table') {
      throw this.error('SQL_INVALID', `index ${name} is on table ${relation.name}; indexes are created on views (create a view over the table)`, statement.relation.span);
    }
    if (statement.columns.length === 0) throw this.error('SQL_INVALID', `index ${name} has no columns`, statement.span);
    const seen = new Set<string>();
    for (const column of statement.columns) {
      const def = relation.columns.find((c) => c.name === column.name);
      if (!def) throw this.error('SQL_INVALID', `column ${column.name} of index ${name} is not a column of view ${relation.name}`, column.span);
      if (seen.has(column.name)) throw this.error('SQL_INVALID', `column ${column.name} appears twice in index ${name}`, column.span);
      if (['array', 'map', 'row', 'variant'].includes(def.type.kind)) {
        throw this.error('SQL_INVALID', `index column ${column.name} has type ${formatSqlType(def.type)}; an index cannot use ARRAY, MAP, ROW or VARIANT columns`, column.span);
      }
      seen.add(column.name);
    }
    this.indexes.set(name, { name, view: relation.name, columns: statement.columns.map((c) => c.name), statement });
  }

  private columnsOf(definitions: ReadonlyArray<{ name: Identifier; type: TypeText; nullable: boolean }>, owner: string): Column[] {
    const seen = new Set<string>();
    return definitions.map((definition) => {
      if (seen.has(definition.name.name)) throw this.error('SQL_INVALID', `${owner} has two columns named ${definition.name.name}`, definition.name.span);
      seen.add(definition.name.name);
      return { name: definition.name.name, type: this.resolve(definition.type), nullable: definition.nullable };
    });
  }

  /** Parses type text and replaces user type names: aliases by their type, structs by ROW types. */
  private resolve(text: TypeText): SqlType {
    try {
      return resolveType(formatSqlType(this.expandAliases(parseSqlType(text.text))), this.structs);
    } catch (error) {
      if (error instanceof SqlError || !(error instanceof DynaviewError)) throw error;
      throw this.error('SQL_INVALID', error.message, text.span);
    }
  }

  private expandAliases(type: SqlType): SqlType {
    switch (type.kind) {
      case 'user':
        return this.aliases.get(type.name) ?? type;
      case 'array':
        return { ...type, element: this.expandAliases(type.element) };
      case 'map':
        return { ...type, key: this.expandAliases(type.key), value: this.expandAliases(type.value) };
      case 'row':
        return { kind: 'row', fields: type.fields.map((f) => ({ ...f, type: this.expandAliases(f.type) })) };
      default:
        return type;
    }
  }

  private newName(id: Identifier, what: string, taken: boolean): string {
    if (taken) throw this.error('SQL_INVALID', `a ${what} named ${id.name} is already declared`, id.span);
    return id.name;
  }

  private error(code: 'SQL_INVALID' | 'SQL_NOT_SUPPORTED', message: string, span: Span): SqlError {
    const at: SourceLocation = { line: span.start.line, col: span.start.col, ...(this.file === undefined ? {} : { file: this.file }) };
    return new SqlError(code, message, at);
  }
}
