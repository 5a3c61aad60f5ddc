/**
 * Semantic analysis of a parsed program: user types, tables, views (with their query plans) and
 * indexes, each checked against what was declared before it. Problems are
 * collected, so that one run reports all of them.
 */
import { DynaviewError, FollowOnProblem, SqlError, type SourceLocation } from '../errors.js';
import type { CreateIndex, CreateTable, CreateType, CreateView, Identifier, Program, Span, Statement, TypeText } from '../sql/ast.js';
import { formatSqlType, parseSqlType } from '../sql/parse-type.js';
import { resolveType, type UserTypes } from '../sql/resolve-type.js';
import type { SqlField, SqlType } from '../sql/sql-type.js';
import type { PlanNode } from '../plan/plan.js';
import { planQuery } from '../plan/planner.js';
import { withoutProblemAt } from '../plan/repair.js';
import { closestName } from '../util/closest-name.js';
import { isUniqueOn, uniqueness, type Uniqueness } from '../plan/unique-keys.js';

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
  /** The query's plan; its output columns are the view's, by position. */
  readonly plan: PlanNode;
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
  /** User struct types, their field types resolved. */
  readonly types: UserTypes;
  /** Tables and views in declaration order, so every view comes after what it reads. */
  readonly relations: ReadonlyMap<string, RelationDef>;
  readonly indexes: ReadonlyMap<string, IndexDef>;
  /** Names whose statements had problems: what uses them is not checked again. */
  readonly failed: FailedNames;
}

export interface FailedNames {
  readonly relations: ReadonlySet<string>;
  readonly indexes: ReadonlySet<string>;
  readonly types: ReadonlySet<string>;
}

// Each repair of a view's query (see plan/repair.ts) can find one more problem; a bound keeps a
// pathological query from being planned without end.
const MAX_PROBLEMS_PER_VIEW = 20;

export interface CatalogResult {
  catalog: Catalog;
  problems: DynaviewError[];
  /** What is allowed but probably wrong: an index not known to be unique (INDEX_NOT_UNIQUE). */
  warnings: DynaviewError[];
}

export function buildCatalog(program: Program, file: string | undefined): CatalogResult {
  return new CatalogBuilder(file).build(program);
}

class CatalogBuilder {
  private readonly structs = new Map<string, readonly SqlField[]>();
  private readonly aliases = new Map<string, SqlType>();
  private readonly relations = new Map<string, RelationDef>();
  private readonly indexes = new Map<string, IndexDef>();
  private readonly problems: DynaviewError[] = [];
  private readonly warnings: DynaviewError[] = [];
  /** Per table and view, the column sets it is known to be unique on. */
  private readonly keys = new Map<string, Uniqueness>();
  private readonly failed = { relations: new Set<string>(), indexes: new Set<string>(), types: new Set<string>() };

  constructor(private readonly file: string | undefined) {}

  build(program: Program): CatalogResult {
    for (const { kind, name } of program.unparsed) this.failedNames(kind).add(name);
    for (const statement of program.statements) {
      const problems = this.problems.length;
      try {
        this.add(statement);
      } catch (error) {
        if (!(error instanceof DynaviewError)) throw error;
        if (!(error instanceof FollowOnProblem)) this.problems.push(error);
      }
      if (this.problems.length > problems || !this.declared(statement)) {
        this.failedNames(statement.kind === 'CreateIndex' ? 'index' : statement.kind === 'CreateType' ? 'type' : 'relation').add(statement.name.name);
      }
    }
    return {
      catalog: { file: this.file, types: this.structs, relations: this.relations, indexes: this.indexes, failed: this.failed },
      problems: this.problems,
      warnings: this.warnings,
    };
  }

  private failedNames(kind: 'relation' | 'index' | 'type'): Set<string> {
    return kind === 'relation' ? this.failed.relations : kind === 'index' ? this.failed.indexes : this.failed.types;
  }

  /** Whether the statement's name made it into the catalog (it did not when its statement failed). */
  private declared(statement: Statement): boolean {
    const name = statement.name.name;
    switch (statement.kind) {
      case 'CreateType':
        return this.structs.has(name) || this.aliases.has(name);
      case 'CreateIndex':
        return this.indexes.has(name);
      default:
        return this.relations.get(name)?.statement === statement;
    }
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
    const name = this.newName(statement.name, 'type', this.structs.has(statement.name.name) || this.aliases.has(statement.name.name));
    if (statement.alias) {
      this.aliases.set(name, this.resolve(statement.alias));
      return;
    }
    this.structs.set(name, (statement.fields ?? []).map((field) => ({
      name: field.name.name,
      type: this.resolve(field.type),
      nullable: field.nullable,
    })));
  }

  private addTable(statement: CreateTable): void {
    const name = this.newName(statement.name, 'table or view', this.relations.has(statement.name.name));
    const problems = this.problems.length;
    const columns = this.columnsOf(statement.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable && !c.primaryKey })), name);
    const primaryKey = statement.primaryKey.map((key) => {
      const column = columns.find((c) => c.name === key.name);
      if (!column) {
        // A column whose type failed is still a column: naming it in the key is no second problem.
        if (!statement.columns.some((c) => c.name.name === key.name)) {
          const suggestion = closestName(key.name, columns.map((c) => c.name));
          this.problems.push(this.error('SQL_INVALID',
            `primary key column ${key.name} is not a column of table ${name}${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`, key.span));
        }
      } else if (['array', 'map', 'row', 'variant'].includes(column.type.kind)) {
        this.problems.push(this.error('SQL_INVALID',
          `primary key column ${key.name} has type ${formatSqlType(column.type)}, which cannot be part of a primary key`, key.span));
      }
      return key.name;
    });
    if (this.problems.length > problems) return;
    const keyed = new Set(primaryKey);
    if (primaryKey.length > 0) {
      const key = primaryKey.map((k) => columns.findIndex((c) => c.name === k));
      this.keys.set(name, { keys: [key], dependencies: [{ from: key, to: columns.map((_, i) => i) }] });
    }
    this.relations.set(name, {
      kind: 'table', name, primaryKey, statement,
      columns: columns.map((c) => (keyed.has(c.name) ? { ...c, nullable: false } : c)),
    });
  }

  private addView(statement: CreateView): void {
    const name = this.newName(statement.name, 'table or view', this.relations.has(statement.name.name));
    const node = this.plan(statement);
    if (node === undefined) return;
    let columns: Column[] = node.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable }));
    if (statement.columnNames) {
      if (statement.columnNames.length !== columns.length) {
        throw this.error('SQL_INVALID',
          `view ${name} names ${statement.columnNames.length} column(s) but its query has ${columns.length}`, statement.columnNames[0]!.span);
      }
      columns = columns.map((c, i) => ({ ...c, name: statement.columnNames![i]!.name }));
    }
    const seen = new Set<string>();
    for (const column of columns) {
      if (seen.has(column.name)) throw this.error('SQL_INVALID', `view ${name} has two columns named ${column.name}; give one an alias`, statement.query.span);
      seen.add(column.name);
    }
    this.relations.set(name, { kind: 'view', name, columns, plan: node, statement });
    this.keys.set(name, uniqueness(node, (relation) => this.keys.get(relation) ?? { keys: [], dependencies: [] }));
  }

  /**
   * The view's query plan, or undefined after reporting every problem of the query: after each,
   * the failed part is replaced (plan/repair.ts) and the query planned again, until it plans or
   * a problem has no repair.
   */
  private plan(statement: CreateView): PlanNode | undefined {
    const { relations, failed } = this;
    const context = {
      file: this.file,
      types: this.structs,
      relation(relationName: string): PlanNode | undefined {
        const relation = relations.get(relationName);
        if (relation === undefined) return undefined;
        return { kind: 'Scan', relation: relation.name, columns: relation.columns.map((c) => ({ ...c, relation: relation.name })) } as const;
      },
      relationNames: (): string[] => [...relations.keys(), ...failed.relations],
      failedRelation: (relationName: string): boolean => failed.relations.has(relationName),
    };
    const found: SqlError[] = [];
    let query = statement.query;
    for (;;) {
      try {
        const { node } = planQuery(query, context);
        if (found.length === 0) return node;
        break;
      } catch (error) {
        if (!(error instanceof SqlError)) {
          if (found.length > 0 && error instanceof FollowOnProblem) break;
          throw error;
        }
        const at = error.location;
        if (found.some((f) => f.location.line === at.line && f.location.col === at.col)) break;
        found.push(error);
        const repaired = found.length < MAX_PROBLEMS_PER_VIEW ? withoutProblemAt(query, at) : undefined;
        if (repaired === undefined) break;
        query = repaired;
      }
    }
    this.problems.push(...found);
    return undefined;
  }

  private addIndex(statement: CreateIndex): void {
    const name = this.newName(statement.name, 'index', this.indexes.has(statement.name.name));
    const relation = this.relations.get(statement.relation.name);
    if (!relation) {
      if (this.failed.relations.has(statement.relation.name)) throw new FollowOnProblem(`view ${statement.relation.name}`);
      const views = [...this.relations.values()].filter((r) => r.kind === 'view').map((r) => r.name);
      const suggestion = closestName(statement.relation.name, views);
      throw this.error('SQL_INVALID',
        `unknown view ${statement.relation.name} for index ${name}${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`, statement.relation.span);
    }
    if (relation.kind === 'table') {
      throw this.error('SQL_INVALID', `index ${name} is on table ${relation.name}; indexes are created on views (create a view over the table)`, statement.relation.span);
    }
    if (statement.columns.length === 0) throw this.error('SQL_INVALID', `index ${name} has no columns`, statement.span);
    const seen = new Set<string>();
    for (const column of statement.columns) {
      const def = relation.columns.find((c) => c.name === column.name);
      if (!def) {
        const suggestion = closestName(column.name, relation.columns.map((c) => c.name));
        throw this.error('SQL_INVALID',
          `column ${column.name} of index ${name} is not a column of view ${relation.name}${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`, column.span);
      }
      if (seen.has(column.name)) throw this.error('SQL_INVALID', `column ${column.name} appears twice in index ${name}`, column.span);
      if (['array', 'map', 'row', 'variant'].includes(def.type.kind)) {
        throw this.error('SQL_INVALID', `index column ${column.name} has type ${formatSqlType(def.type)}; an index cannot use ARRAY, MAP, ROW or VARIANT columns`, column.span);
      }
      seen.add(column.name);
    }
    this.indexes.set(name, { name, view: relation.name, columns: statement.columns.map((c) => c.name), statement });
    const positions = statement.columns.map((c) => relation.columns.findIndex((v) => v.name === c.name));
    if (!isUniqueOn(this.keys.get(relation.name) ?? { keys: [], dependencies: [] }, positions)) {
      const at = statement.span.start;
      this.warnings.push(new DynaviewError('INDEX_NOT_UNIQUE',
        `${this.file ?? '<program>'}:${at.line}:${at.col}: index ${name} on view ${relation.name} (${statement.columns.map((c) => c.name).join(', ')}) `
        + 'is not known to be unique: rows of the view may share a key, and an output writes only one of them per key '
        + '(index a primary key kept by the view, its GROUP BY columns, or the keys of both sides of a join)',
        { context: { view: relation.name, line: at.line, col: at.col, ...(this.file === undefined ? {} : { file: this.file }) } }));
    }
  }

  /** The columns whose definitions are sound; each problem of the others is reported. */
  private columnsOf(definitions: ReadonlyArray<{ name: Identifier; type: TypeText; nullable: boolean }>, owner: string): Column[] {
    const seen = new Set<string>();
    return definitions.flatMap((definition) => {
      try {
        if (seen.has(definition.name.name)) throw this.error('SQL_INVALID', `${owner} has two columns named ${definition.name.name}`, definition.name.span);
        seen.add(definition.name.name);
        return [{ name: definition.name.name, type: this.resolve(definition.type), nullable: definition.nullable }];
      } catch (error) {
        if (!(error instanceof DynaviewError)) throw error;
        if (!(error instanceof FollowOnProblem)) this.problems.push(error);
        return [];
      }
    });
  }

  /** Parses type text and replaces user type names: aliases by their type, structs by ROW types. */
  private resolve(text: TypeText): SqlType {
    try {
      const type = this.expandAliases(parseSqlType(text.text));
      const failed = userTypeNames(type).find((name) => this.failed.types.has(name));
      if (failed !== undefined) throw new FollowOnProblem(`type ${failed}`);
      return resolveType(type, this.structs);
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

/** The user type names a type mentions. */
function userTypeNames(type: SqlType): string[] {
  switch (type.kind) {
    case 'user':
      return [type.name];
    case 'array':
      return userTypeNames(type.element);
    case 'map':
      return [...userTypeNames(type.key), ...userTypeNames(type.value)];
    case 'row':
      return type.fields.flatMap((f) => userTypeNames(f.type));
    default:
      return [];
  }
}
