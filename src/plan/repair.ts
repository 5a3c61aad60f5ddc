/**
 * Taking a failed part out of a query, so that planning can go on and find the query's other
 * problems: the innermost select item, condition (one operand of an AND), ORDER BY item, LIMIT or
 * OFFSET that contains a problem's position is replaced by a stand-in that cannot fail (0 for a
 * value, TRUE for a condition) or dropped. A problem anywhere else (a table name in FROM, GROUP BY,
 * VALUES, a set operation's shape) has no such stand-in: its query has no repair, and the search
 * for more problems in it stops there, rather than risk reporting consequences of the first one.
 */
import type { Expression, FromItem, Query, QueryBody, Select, SelectItem, Span } from '../sql/ast.js';
import { rewrite } from './expression-walk.js';

export interface ProblemPosition {
  readonly line: number;
  readonly col: number;
}

/** `query` with the part holding the problem at `at` replaced, or undefined when it has no stand-in. */
export function withoutProblemAt(query: Query, at: ProblemPosition): Query | undefined {
  return new Repair(at).query(query);
}

class Repair {
  constructor(private readonly at: ProblemPosition) {}

  query(query: Query): Query | undefined {
    const cte = query.with.findIndex((c) => this.holds(c.query.span));
    if (cte >= 0) {
      const repaired = this.query(query.with[cte]!.query);
      return repaired && { ...query, with: query.with.map((c, i) => (i === cte ? { ...c, query: repaired } : c)) };
    }
    if (this.holds(query.body.span)) {
      const body = this.body(query.body);
      return body && { ...query, body };
    }
    const order = query.orderBy.findIndex((item) => this.holds(item.span));
    if (order >= 0) return { ...query, orderBy: query.orderBy.filter((_, i) => i !== order) };
    if (query.limit !== null && this.holds(query.limit.span)) return { ...query, limit: null };
    if (query.offset !== null && this.holds(query.offset.span)) return { ...query, offset: null };
    return undefined;
  }

  private body(body: QueryBody): QueryBody | undefined {
    switch (body.kind) {
      case 'Select':
        return this.select(body);
      case 'Query':
        return this.query(body);
      case 'SetOperation': {
        if (this.holds(body.left.span)) {
          const left = this.body(body.left);
          return left && { ...body, left };
        }
        const right = this.holds(body.right.span) ? this.body(body.right) : undefined;
        return right && { ...body, right };
      }
      case 'Values':
        return undefined;
    }
  }

  private select(select: Select): Select | undefined {
    const item = select.items.findIndex((i) => this.holds(i.span));
    if (item >= 0) {
      const items = select.items.map((i, n): SelectItem => (n === item && i.kind === 'SelectExpression' ? { ...i, expression: this.value(i.expression) } : i));
      return items[item] === select.items[item] ? undefined : { ...select, items };
    }
    if (select.from !== null && this.holds(select.from.span)) {
      const from = this.from(select.from);
      return from && { ...select, from };
    }
    if (select.where !== null && this.holds(select.where.span)) return { ...select, where: this.condition(select.where) };
    if (select.having !== null && this.holds(select.having.span)) return { ...select, having: this.condition(select.having) };
    return undefined;
  }

  private from(item: FromItem): FromItem | undefined {
    switch (item.kind) {
      case 'TableReference':
        return undefined;
      case 'SubqueryReference': {
        const query = this.query(item.query);
        return query && { ...item, query };
      }
      case 'Join': {
        if (this.holds(item.left.span)) {
          const left = this.from(item.left);
          return left && { ...item, left };
        }
        if (this.holds(item.right.span)) {
          const right = this.from(item.right);
          return right && { ...item, right };
        }
        return item.on !== null && this.holds(item.on.span) ? { ...item, on: this.condition(item.on) } : undefined;
      }
    }
  }

  /** A condition with the failed operand of its AND chain, or all of it, replaced by TRUE. */
  private condition(e: Expression): Expression {
    if (e.kind === 'Binary' && e.operator === 'AND') {
      if (this.holds(e.left.span)) return { ...e, left: this.condition(e.left) };
      if (this.holds(e.right.span)) return { ...e, right: this.condition(e.right) };
    }
    return this.insideSubquery(e) ?? { kind: 'Literal', type: 'BOOLEAN', text: 'TRUE', span: e.span };
  }

  private value(e: Expression): Expression {
    return this.insideSubquery(e) ?? { kind: 'Literal', type: 'INTEGER', text: '0', span: e.span };
  }

  /** `e` with the subquery that holds the problem repaired, when there is one and it has a repair. */
  private insideSubquery(e: Expression): Expression | undefined {
    let repaired = false;
    const result = rewrite(e, (node) => {
      if (repaired || (node.kind !== 'ScalarSubquery' && node.kind !== 'Exists' && node.kind !== 'InSubquery') || !this.holds(node.query.span)) {
        return undefined;
      }
      const query = this.query(node.query);
      if (query === undefined) return undefined;
      repaired = true;
      return { ...node, query };
    });
    return repaired ? result : undefined;
  }

  private holds(span: Span): boolean {
    const { line, col } = this.at;
    const afterStart = span.start.line < line || (span.start.line === line && span.start.col <= col);
    const beforeEnd = line < span.end.line || (line === span.end.line && col < span.end.col);
    return afterStart && beforeEnd;
  }
}
