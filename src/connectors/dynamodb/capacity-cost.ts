/**
 * What the writes cost: the table's billing mode and provisioned write capacity as DescribeTable
 * reports them, and an estimate of the run's write cost from them. On-demand tables pay per write
 * request unit consumed (DynamoDB's ConsumedCapacity); provisioned tables pay for their write
 * capacity by the hour whether it is used or not. Read, storage and other charges are left out.
 */
import type { TableDescription } from '@aws-sdk/client-dynamodb';
import type { OutputCapacity } from '../outputs/output.js';

export type BillingMode = NonNullable<OutputCapacity['billing_mode']>;

export interface TableBilling {
  /** Null when DescribeTable says neither (it always does for DynamoDB and DynamoDB Local). */
  readonly mode: BillingMode | null;
  /** The table's WriteCapacityUnits when provisioned, null otherwise. */
  readonly provisionedWcu: number | null;
}

export interface CapacityPrices {
  /** USD per million write request units (on-demand). */
  readonly perMillionWriteUnits: number;
  /** USD per provisioned WCU per hour. */
  readonly perWcuHour: number;
}

/**
 * A table without a BillingModeSummary is provisioned: DynamoDB leaves the summary out for tables
 * that were never switched to on-demand, and gives on-demand tables 0 provisioned units.
 */
export function billingOf(table: TableDescription): TableBilling {
  const mode = table.BillingModeSummary?.BillingMode
    ?? ((table.ProvisionedThroughput?.WriteCapacityUnits ?? 0) > 0 ? 'PROVISIONED' : undefined);
  if (mode === 'PROVISIONED') return { mode, provisionedWcu: table.ProvisionedThroughput?.WriteCapacityUnits ?? 0 };
  if (mode === 'PAY_PER_REQUEST') return { mode, provisionedWcu: null };
  return { mode: null, provisionedWcu: null };
}

/**
 * The estimated write cost of `hours` of running that consumed `consumedWcu` write units. With an
 * unknown billing mode the consumed units are priced as on-demand, and the basis says so.
 */
export function estimateCapacity(billing: TableBilling, consumedWcu: number, hours: number, prices: CapacityPrices): OutputCapacity {
  const common = { billing_mode: billing.mode, consumed_wcu_total: consumedWcu, provisioned_wcu: billing.provisionedWcu };
  if (billing.mode === 'PROVISIONED') {
    const wcu = billing.provisionedWcu ?? 0;
    return {
      ...common,
      estimated_cost_usd: wcu * hours * prices.perWcuHour,
      price_basis: `provisioned: ${wcu} WCU x ${formatHours(hours)} h x $${prices.perWcuHour} per WCU-hour`,
    };
  }
  const onDemand = `${consumedWcu} write request units x $${prices.perMillionWriteUnits} per million`;
  return {
    ...common,
    // Multiplied first: whole units times a price stay exact where a millionth of a unit does not.
    estimated_cost_usd: (consumedWcu * prices.perMillionWriteUnits) / 1_000_000,
    price_basis: billing.mode === 'PAY_PER_REQUEST' ? `on-demand: ${onDemand}` : `billing mode unknown, priced as on-demand: ${onDemand}`,
  };
}

/** Dollars for people: cents when there are some, else two significant digits of what there is. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 0.01) return `$${usd.toFixed(2)}`;
  return `$${usd.toPrecision(2)}`;
}

function formatHours(hours: number): string {
  return hours >= 10 ? hours.toFixed(1) : hours.toPrecision(3);
}

/** One line for the final summary: `12 WCU consumed, est. $0.0000075 (on-demand)`. */
export function describeCapacity(status: OutputCapacity): string {
  const mode = status.billing_mode === 'PROVISIONED' ? `provisioned ${status.provisioned_wcu} WCU`
    : status.billing_mode === 'PAY_PER_REQUEST' ? 'on-demand' : 'billing mode unknown';
  return `${status.consumed_wcu_total} WCU consumed, est. ${formatUsd(status.estimated_cost_usd)} (${mode})`;
}
