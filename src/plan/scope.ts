/**
 * Name resolution for the planner. A scope is the list of columns an expression may read, each
 * with the FROM item it can be qualified by. Binding checks an expression (types, names,
 * ambiguity, with the expression compiler's messages) and replaces its column references by
 * positions, so that plan nodes no longer depend on names or aliases.
 */
import type { Expression, Identifier, Span } from '../sql/ast.js';
import type { UserTypes } from '../sql/resolve-type.js';
import { compileExpression, compilePredicate, type CompiledExpression, type ExpressionScope } from '../engine/expressions.js';
import { rewrite } from './expression-walk.js';
import type { PlanColumn } from './plan.js';

export interface BindContext {
  readonly file: string | undefined;
  readonly types: UserTypes;
}

export function expressionScope(columns: readonly PlanColumn[], context: BindContext): ExpressionScope {
  const relationNames = [...new Set(columns.flatMap((c) => (c.relation === null ? [] : [c.relation])))];
  return {
    columns: columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable, relation: c.relation, ...(c.hidden ? { hidden: true } : {}) })),
    relationNames,
    types: context.types,
    ...(context.file === undefined ? {} : { file: context.file }),
  };
}

export interface Bound {
  readonly expression: Expression;
  readonly compiled: CompiledExpression;
}

/** Checks `e` against `columns` and returns it with every column reference replaced by its position. */
export function bind(e: Expression, columns: readonly PlanColumn[], context: BindContext, predicate = false): Bound {
  const scope = expressionScope(columns, context);
  const compiled = predicate ? compilePredicate(e, scope) : compileExpression(e, scope);
  return { expression: bindColumns(e, columns), compiled };
}

/** Column references to positions; assumes the expression compiled against `columns`. */
function bindColumns(e: Expression, columns: readonly PlanColumn[]): Expression {
  const relations = new Set(columns.map((c) => c.relation));
  return rewrite(e, (node) => {
    if (node.kind !== 'ColumnReference') return undefined;
    const table = node.table;
    if (table === null || relations.has(table.name)) {
      return { kind: 'InputReference', index: findColumn(columns, node.column, table), span: node.span };
    }
    // `s.f` where s is a struct column.
    const struct: Expression = { kind: 'InputReference', index: findColumn(columns, table, null), span: table.span };
    return { kind: 'FieldAccess', operand: struct, field: node.column, span: node.span };
  });
}

function findColumn(columns: readonly PlanColumn[], name: Identifier, table: Identifier | null): number {
  const index = columns.findIndex((c) => !c.hidden && c.name === name.name && (table === null || c.relation === null || c.relation === table.name));
  if (index < 0) throw new Error(`column ${name.name} was checked but is not in scope`);
  return index;
}

export function inputReference(index: number, span: Span): Expression {
  return { kind: 'InputReference', index, span };
}

/** A column the planner computed, visible only by position. */
export function hiddenColumn(name: string, compiled: { type: PlanColumn['type']; nullable: boolean }): PlanColumn {
  return { name, type: compiled.type, nullable: compiled.nullable, relation: null, hidden: true };
}
