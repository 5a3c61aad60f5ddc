/** The aggregator of a planned aggregate call, with the DISTINCT modifier applied. */
import type { AggregateSpec } from '../../../plan/plan.js';
import { compileComparator } from '../../compare.js';
import type { Aggregator } from './aggregator.js';
import { arrayAggregator } from './array-agg.js';
import { boolAggregator } from './bool.js';
import { countAggregator } from './count.js';
import { distinctArguments } from './distinct-arguments.js';
import { extremeAggregator } from './extreme.js';
import { sumAggregator } from './sum.js';
import { varianceAggregator } from './variance.js';

export function makeAggregator(spec: AggregateSpec): Aggregator {
  const aggregator = baseAggregator(spec);
  return spec.distinct ? distinctArguments(aggregator) : aggregator;
}

function baseAggregator(spec: AggregateSpec): Aggregator {
  const type = spec.argumentType;
  switch (spec.function) {
    case 'COUNT':
      return countAggregator as Aggregator;
    case 'SUM':
    case 'AVG':
      return sumAggregator(type!, spec.resultType, spec.function === 'AVG');
    case 'MIN':
    case 'MAX':
    case 'ARG_MIN':
    case 'ARG_MAX':
      return extremeAggregator(spec.function, compileComparator(spec.orderType ?? type!));
    case 'BOOL_AND':
    case 'BOOL_OR':
      return boolAggregator(spec.function);
    case 'STDDEV_POP':
    case 'STDDEV_SAMP':
    case 'VAR_POP':
    case 'VAR_SAMP':
      return varianceAggregator(spec.function, type!);
    case 'ARRAY_AGG':
      return arrayAggregator(compileComparator(type!));
  }
}
