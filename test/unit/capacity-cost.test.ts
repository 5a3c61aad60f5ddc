// The write cost estimate: on-demand tables pay per consumed write request unit, provisioned ones
// per WCU-hour, and the table's billing mode comes from DescribeTable.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { billingOf, describeCapacity, estimateCapacity, formatUsd } from '../../src/connectors/dynamodb/capacity-cost.js';

const PRICES = { perMillionWriteUnits: 0.625, perWcuHour: 0.00065 };

describe('billingOf', () => {
  test('an on-demand table has a BillingModeSummary and no provisioned capacity', () => {
    assert.deepEqual(billingOf({
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
    }), { mode: 'PAY_PER_REQUEST', provisionedWcu: null });
  });

  test('a table without a BillingModeSummary but with write capacity is provisioned', () => {
    assert.deepEqual(billingOf({ ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 7 } }),
      { mode: 'PROVISIONED', provisionedWcu: 7 });
    assert.deepEqual(billingOf({ BillingModeSummary: { BillingMode: 'PROVISIONED' }, ProvisionedThroughput: { WriteCapacityUnits: 40 } }),
      { mode: 'PROVISIONED', provisionedWcu: 40 });
  });

  test('a description that says neither leaves the billing mode unknown', () => {
    assert.deepEqual(billingOf({}), { mode: null, provisionedWcu: null });
  });
});

describe('estimateCapacity', () => {
  test('on-demand: write request units times the price per million', () => {
    const status = estimateCapacity({ mode: 'PAY_PER_REQUEST', provisionedWcu: null }, 3_200_000, 5, PRICES);
    assert.equal(status.estimated_cost_usd, 2);
    assert.deepEqual({ ...status, estimated_cost_usd: 0 }, {
      billing_mode: 'PAY_PER_REQUEST', consumed_wcu_total: 3_200_000, provisioned_wcu: null, estimated_cost_usd: 0,
      price_basis: 'on-demand: 3200000 write request units x $0.625 per million',
    });
  });

  test('on-demand cost does not depend on how long the run took', () => {
    const billing = { mode: 'PAY_PER_REQUEST', provisionedWcu: null } as const;
    assert.equal(estimateCapacity(billing, 1_000, 0.01, PRICES).estimated_cost_usd, estimateCapacity(billing, 1_000, 100, PRICES).estimated_cost_usd);
  });

  test('provisioned: WCU times hours times the hourly price, whatever was consumed', () => {
    const billing = { mode: 'PROVISIONED', provisionedWcu: 100 } as const;
    const status = estimateCapacity(billing, 12, 2.5, PRICES);
    assert.ok(Math.abs(status.estimated_cost_usd - 100 * 2.5 * 0.00065) < 1e-12, String(status.estimated_cost_usd));
    assert.equal(status.provisioned_wcu, 100);
    assert.equal(status.consumed_wcu_total, 12);
    assert.equal(status.price_basis, 'provisioned: 100 WCU x 2.50 h x $0.00065 per WCU-hour');
    assert.equal(estimateCapacity(billing, 1_000_000, 2.5, PRICES).estimated_cost_usd, status.estimated_cost_usd);
  });

  test('the prices are the ones given', () => {
    const status = estimateCapacity({ mode: 'PAY_PER_REQUEST', provisionedWcu: null }, 2_000_000, 1, { perMillionWriteUnits: 1.25, perWcuHour: 0 });
    assert.equal(status.estimated_cost_usd, 2.5);
  });

  test('an unknown billing mode is priced as on-demand and says so', () => {
    const status = estimateCapacity({ mode: null, provisionedWcu: null }, 1_000_000, 1, PRICES);
    assert.equal(status.estimated_cost_usd, 0.625);
    assert.match(status.price_basis, /^billing mode unknown, priced as on-demand: /);
  });
});

describe('summary text', () => {
  test('dollars show cents, or two significant digits below a cent', () => {
    assert.deepEqual([formatUsd(0), formatUsd(2), formatUsd(0.0000075), formatUsd(0.004321)], ['$0', '$2.00', '$0.0000075', '$0.0043']);
  });

  test('describeCapacity names the consumed units, the estimate and the billing mode', () => {
    assert.equal(describeCapacity(estimateCapacity({ mode: 'PAY_PER_REQUEST', provisionedWcu: null }, 12, 1, PRICES)),
      '12 WCU consumed, est. $0.0000075 (on-demand)');
    assert.equal(describeCapacity(estimateCapacity({ mode: 'PROVISIONED', provisionedWcu: 10 }, 12, 1, PRICES)),
      '12 WCU consumed, est. $0.0065 (provisioned 10 WCU)');
  });
});
