/**
 * Generic traversal of expression trees for the planner: the direct subexpressions of a node, and
 * a rewrite that replaces nodes top-down. Subqueries are leaves: their insides belong to another
 * query. Structural equality (ignoring source positions) matches GROUP BY expressions in SELECT.
 */
import type { Expression } from '../sql/ast.js';

function children(e: Expression): Expression[] {
  const found: Expression[] = [];
  mapChildren(e, (child) => {
    found.push(child);
    return child;
  });
  return found;
}

/**
 * Rewrites `e`: `replace` sees each node top-down and returns its replacement, or undefined to
 * keep the node and rewrite its children.
 */
export function rewrite(e: Expression, replace: (node: Expression) => Expression | undefined): Expression {
  const replaced = replace(e);
  if (replaced !== undefined) return replaced;
  return mapChildren(e, (child) => rewrite(child, replace));
}

/** `e` with each direct subexpression replaced by `r` of it. */
function mapChildren(e: Expression, r: (child: Expression) => Expression): Expression {
  switch (e.kind) {
    case 'Literal':
    case 'ColumnReference':
    case 'InputReference':
    case 'ScalarSubquery':
    case 'Exists':
      return e;
    case 'Unary':
    case 'IsNull':
    case 'IsBoolean':
    case 'Cast':
    case 'FieldAccess':
    case 'InSubquery':
      return { ...e, operand: r(e.operand) };
    case 'Binary':
    case 'IsDistinct':
      return { ...e, left: r(e.left), right: r(e.right) };
    case 'Between':
      return { ...e, operand: r(e.operand), low: r(e.low), high: r(e.high) };
    case 'InList':
      return { ...e, operand: r(e.operand), list: e.list.map(r) };
    case 'Like':
      return { ...e, operand: r(e.operand), pattern: r(e.pattern) };
    case 'Case':
      return {
        ...e,
        operand: e.operand ? r(e.operand) : null,
        branches: e.branches.map((b) => ({ when: r(b.when), then: r(b.then) })),
        otherwise: e.otherwise ? r(e.otherwise) : null,
      };
    case 'FunctionCall':
      return { ...e, args: e.args.map(r) };
    case 'AggregateCall':
      return { ...e, args: e.args.map(r), filter: e.filter ? r(e.filter) : null };
    case 'WindowCall':
      return { ...e, args: e.args.map(r), partitionBy: e.partitionBy.map(r), orderBy: e.orderBy.map((o) => ({ ...o, expression: r(o.expression) })) };
    case 'ArrayConstructor':
      return { ...e, elements: e.elements.map(r) };
    case 'Subscript':
      return { ...e, operand: r(e.operand), index: r(e.index) };
  }
}

/** Whether some node of `e` (subqueries excluded) satisfies `test`. */
export function some(e: Expression, test: (node: Expression) => boolean): boolean {
  return test(e) || children(e).some((child) => some(child, test));
}

/** Equal trees, ignoring source positions (identifiers compare by canonical name). */
export function sameExpression(a: Expression, b: Expression): boolean {
  return JSON.stringify(a, withoutSpans) === JSON.stringify(b, withoutSpans);
}

function withoutSpans(key: string, value: unknown): unknown {
  if (key === 'span' || key === 'quoted') return undefined;
  return typeof value === 'bigint' ? value.toString() : value;
}

/** The conjuncts of a condition: `a AND (b AND c)` is [a, b, c]. */
export function conjuncts(e: Expression): Expression[] {
  if (e.kind === 'Binary' && e.operator === 'AND') return [...conjuncts(e.left), ...conjuncts(e.right)];
  return [e];
}
