/**
 * One step of the program: input changes for the tables in, a change set (delta) for every table
 * and view out. Views are evaluated in declaration order, each from its source's delta, which is
 * all a linear query needs; stateful operators will keep their state in this object too, and in
 * its snapshot, which is what a restarted run needs to go on where a stopped one ended.
 */
import { DynaviewError } from '../errors.js';
import type { Row, Update } from '../schema.js';
import type { Catalog } from './catalog.js';
import { TableState } from './table-state.js';
import type { ZSet } from './zset.js';

/** Everything the engine keeps between steps: the rows of each table that has a primary key. */
export interface EngineSnapshot {
  readonly tables: Readonly<Record<string, readonly Row[]>>;
}

export class Circuit {
  private readonly tables = new Map<string, TableState>();

  constructor(private readonly catalog: Catalog) {
    for (const relation of catalog.relations.values()) {
      if (relation.kind === 'table') {
        this.tables.set(relation.name, new TableState(relation.columns.map((c) => c.name), relation.primaryKey));
      }
    }
  }

  /** Applies one step's input changes; returns the non-empty deltas by relation name. */
  step(inputs: ReadonlyMap<string, readonly Update[]>): Map<string, ZSet> {
    const deltas = new Map<string, ZSet>();
    for (const relation of this.catalog.relations.values()) {
      let delta: ZSet;
      if (relation.kind === 'table') {
        const changes = inputs.get(relation.name);
        delta = changes && changes.length > 0 ? this.tables.get(relation.name)!.apply(changes) : [];
      } else {
        const source = deltas.get(relation.source);
        delta = source && source.length > 0 ? relation.transform(source) : [];
      }
      if (delta.length > 0) deltas.set(relation.name, delta);
    }
    return deltas;
  }

  /** The state after the last step; later steps do not change it. */
  snapshot(): EngineSnapshot {
    const tables: Record<string, readonly Row[]> = {};
    for (const [name, table] of this.tables) if (table.size > 0) tables[name] = table.rows();
    return { tables };
  }

  /** Continues from a snapshot taken from a circuit of the same program. */
  restore(snapshot: EngineSnapshot): void {
    for (const name of Object.keys(snapshot.tables)) {
      if (!this.tables.has(name)) throw new DynaviewError('ENGINE_STATE_INVALID', `the saved engine state holds rows of table ${name}, which the program does not declare`);
    }
    for (const [name, table] of this.tables) table.load(snapshot.tables[name] ?? []);
  }
}
