/**
 * ConditionExpression, in the two forms a keyed writer uses: `attribute_exists(path)` and
 * `attribute_not_exists(path)`, with `#name` placeholders. Anything else is refused rather than
 * evaluated wrongly. Parsed expressions are cached: a writer sends the same one with every item.
 */
import { isPlainObject } from '../util/config-problems.js';
import { validationError, type WireItem } from './protocol.js';

export type ConditionFunction = 'attribute_exists' | 'attribute_not_exists';

export interface Condition {
  fn: ConditionFunction;
  /** The attribute name, or a `#placeholder` to look up in ExpressionAttributeNames. */
  operand: string;
}

const CONDITION_PATTERN = /^\s*(attribute_exists|attribute_not_exists)\s*\(\s*(#?[A-Za-z0-9_.-]+)\s*\)\s*$/;
const MAX_CACHED_EXPRESSIONS = 256;
const parsedExpressions = new Map<string, Condition>();

export function parseCondition(expression: string): Condition {
  const cached = parsedExpressions.get(expression);
  if (cached) return cached;
  const match = CONDITION_PATTERN.exec(expression);
  if (!match) {
    throw validationError(`Invalid ConditionExpression: only attribute_exists(name) and attribute_not_exists(name) are supported by the simulator: ${expression}`);
  }
  const condition: Condition = { fn: match[1] as ConditionFunction, operand: match[2] as string };
  if (parsedExpressions.size < MAX_CACHED_EXPRESSIONS) parsedExpressions.set(expression, condition);
  return condition;
}

/**
 * The condition of one write, or undefined when it has none; checks placeholders both ways, as
 * DynamoDB does (an undefined `#name` and an unused ExpressionAttributeNames entry are errors).
 */
export function conditionOf(write: Record<string, unknown>): BoundCondition | undefined {
  const expression = write['ConditionExpression'];
  const names = write['ExpressionAttributeNames'];
  const values = write['ExpressionAttributeValues'];
  if (expression === undefined) {
    if (names !== undefined) throw validationError('ExpressionAttributeNames can only be specified when using expressions');
    if (values !== undefined) throw validationError('ExpressionAttributeValues can only be specified when using expressions');
    return undefined;
  }
  if (typeof expression !== 'string' || expression.length === 0) throw validationError('Invalid ConditionExpression: The expression can not be empty;');
  const condition = parseCondition(expression);
  if (isPlainObject(values) && Object.keys(values).length > 0) {
    throw validationError(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${Object.keys(values).join(', ')}}`);
  }
  let attribute = condition.operand;
  if (attribute.startsWith('#')) {
    const resolved = isPlainObject(names) ? names[attribute] : undefined;
    if (typeof resolved !== 'string') {
      throw validationError(`Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: ${attribute}`);
    }
    attribute = resolved;
  }
  if (isPlainObject(names)) {
    const unused = Object.keys(names).filter((name) => name !== condition.operand);
    if (unused.length > 0) throw validationError(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${unused.join(', ')}}`);
  }
  return { fn: condition.fn, attribute };
}

export interface BoundCondition {
  fn: ConditionFunction;
  attribute: string;
}

export function conditionHolds(condition: BoundCondition, current: WireItem | undefined): boolean {
  const exists = current !== undefined && current[condition.attribute] !== undefined;
  switch (condition.fn) {
    case 'attribute_exists': return exists;
    case 'attribute_not_exists': return !exists;
    default: {
      const unknown: never = condition.fn;
      throw new Error(`unknown condition function ${String(unknown)}`);
    }
  }
}
