/**
 * Counters that a benchmark reads from GET /sim/stats: per table and in total. A rising
 * `throttled_items` means the writer is asking for more than the table's capacity; `faults`
 * counts injected errors and resets; `idempotent_replays` counts retried transactions that were
 * recognised by their token and not applied twice.
 */

export interface SimCounters {
  /** Write capacity units spent on applied writes (2 per KB in transactions). */
  consumed_wcu: number;
  /** Requests in which at least one item was refused for lack of capacity. */
  throttled_requests: number;
  /** Items refused for lack of capacity: returned unprocessed, or in a cancelled transaction. */
  throttled_items: number;
  /** Puts and deletes applied. */
  written_items: number;
  /** Requests received for the table (a request naming several tables counts for each). */
  requests: number;
  /** Requests answered by an injected 500/503 or connection reset. */
  faults: number;
  /** TransactWriteItems calls answered from their ClientRequestToken without being applied again. */
  idempotent_replays: number;
}

export interface SimStats {
  total: SimCounters;
  tables: Record<string, SimCounters>;
}

export function zeroCounters(): SimCounters {
  return { consumed_wcu: 0, throttled_requests: 0, throttled_items: 0, written_items: 0, requests: 0, faults: 0, idempotent_replays: 0 };
}

export class StatsRecorder {
  total = zeroCounters();
  private tables = new Map<string, SimCounters>();

  table(name: string): SimCounters {
    let counters = this.tables.get(name);
    if (!counters) {
      counters = zeroCounters();
      this.tables.set(name, counters);
    }
    return counters;
  }

  /** Adds `amount` to one counter of the table and of the total. */
  add(table: string, counter: keyof SimCounters, amount: number): void {
    this.table(table)[counter] += amount;
    this.total[counter] += amount;
  }

  /** Counts one request (or one fault, or one replay) in the total and once for each table it names. */
  countRequest(tables: readonly string[], counter: 'requests' | 'faults' | 'idempotent_replays'): void {
    this.total[counter] += 1;
    for (const name of tables) this.table(name)[counter] += 1;
  }

  snapshot(): SimStats {
    const tables: Record<string, SimCounters> = {};
    for (const [name, counters] of this.tables) tables[name] = { ...counters };
    return { total: { ...this.total }, tables };
  }

  reset(): void {
    this.total = zeroCounters();
    this.tables.clear();
  }
}
