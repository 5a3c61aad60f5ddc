/**
 * A plan as indented text, for `dynaview explain`: one node per line with its inputs below it,
 * expressions in SQL with the names of the input columns they read. A node that several parents
 * share (a WITH item read twice) is printed once, as `#n`, and referred to by that label after.
 */
import { formatExpression } from '../sql/format.js';
import { formatSqlType } from '../sql/parse-type.js';
import type { Expression } from '../sql/ast.js';
import { planInputs, type PlanColumn, type PlanNode } from './plan.js';

export function explainPlan(root: PlanNode): string {
  const uses = new Map<PlanNode, number>();
  const count = (node: PlanNode): void => {
    uses.set(node, (uses.get(node) ?? 0) + 1);
    if (uses.get(node) === 1) planInputs(node).forEach(count);
  };
  count(root);
  const labels = new Map<PlanNode, number>();
  const lines: string[] = [];
  const visit = (node: PlanNode, depth: number): void => {
    const indent = '  '.repeat(depth);
    const label = labels.get(node);
    if (label !== undefined) {
      lines.push(`${indent}-> #${label}`);
      return;
    }
    let prefix = '';
    if ((uses.get(node) ?? 0) > 1) {
      labels.set(node, labels.size + 1);
      prefix = `#${labels.size} = `;
    }
    lines.push(`${indent}${prefix}${describeNode(node)}`);
    planInputs(node).forEach((input) => visit(input, depth + 1));
  };
  visit(root, 0);
  return lines.join('\n');
}

export function describeColumns(columns: readonly PlanColumn[]): string {
  return columns.map((c) => `${c.name} ${formatSqlType(c.type)}${c.nullable ? '' : ' NOT NULL'}`).join(', ');
}

function over(columns: readonly PlanColumn[]): (e: Expression) => string {
  const name = (i: number): string => {
    const column = columns[i];
    if (column === undefined) return `$${i}`;
    return column.relation === null ? column.name : `${column.relation}.${column.name}`;
  };
  return (e) => formatExpression(e, name);
}

function describeNode(node: PlanNode): string {
  switch (node.kind) {
    case 'Scan': {
      const alias = node.columns[0]?.relation;
      return `Scan ${node.relation}${alias && alias !== node.relation ? ` AS ${alias}` : ''}`;
    }
    case 'Values':
      return `Values (${node.rows.length} row${node.rows.length === 1 ? '' : 's'})`;
    case 'Filter':
      return `Filter ${over(node.input.columns)(node.predicate)}`;
    case 'Project': {
      const show = over(node.input.columns);
      return `Project ${node.expressions.map((e, i) => `${show(e)} AS ${node.columns[i]!.name}`).join(', ')}`;
    }
    case 'Join': {
      const left = over(node.left.columns);
      const right = over(node.right.columns);
      const keys = node.leftKeys.map((k, i) => `${left(k)} ${node.nullSafe[i] ? 'IS NOT DISTINCT FROM' : '='} ${right(node.rightKeys[i]!)}`);
      const residual = node.residual === null ? [] : [over([...node.left.columns, ...node.right.columns])(node.residual)];
      const condition = [...keys, ...residual];
      return `Join ${node.join}${condition.length === 0 ? ' (cross product)' : ` ON ${condition.join(' AND ')}`}`;
    }
    case 'Aggregate': {
      const show = over(node.input.columns);
      const calls = node.aggregates.map((a) => {
        const args = a.args.length === 0 ? '*' : `${a.distinct ? 'DISTINCT ' : ''}${a.args.map(show).join(', ')}`;
        return `${a.function}(${args})${a.filter === null ? '' : ` FILTER (WHERE ${show(a.filter)})`}`;
      });
      const groups = node.global ? 'global' : `GROUP BY ${node.groupBy.map(show).join(', ')}`;
      return `Aggregate ${groups}: ${calls.join(', ') || '(no aggregates)'}`;
    }
    case 'Distinct':
      return 'Distinct';
    case 'SetOperation':
      return `${node.operator}${node.all ? ' ALL' : ''}`;
    case 'TopK': {
      const show = over(node.input.columns);
      const order = node.orderBy.map((k) => `${show(k.expression)}${k.descending ? ' DESC' : ''}${k.nullsFirst === !k.descending ? '' : k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'}`);
      const partition = node.partitionBy.length === 0 ? '' : ` PARTITION BY ${node.partitionBy.map(show).join(', ')}`;
      return `TopK ${node.limit === Number.MAX_SAFE_INTEGER ? 'all' : node.limit}${node.offset > 0 ? ` OFFSET ${node.offset}` : ''}${partition}${order.length ? ` ORDER BY ${order.join(', ')}` : ''}${node.rankColumn ? ' (numbered)' : ''}`;
    }
    case 'SingleRow':
      return 'SingleRow (scalar subquery)';
  }
}
