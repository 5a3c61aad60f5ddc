/** SELECT DISTINCT: every row with a positive weight, once. */
import { RowWeightsOperator } from './row-weights.js';

export function distinctOperator(): RowWeightsOperator {
  return new RowWeightsOperator(1, ([weight]) => (weight! > 0 ? 1 : 0));
}
