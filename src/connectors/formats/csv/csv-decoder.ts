/**
 * CSV bytes -> records' changes: every record is a row of the table to insert, its fields in
 * column order. Like Feldera, a record with fewer fields than the table has columns is an error
 * and fields beyond the last column are ignored (unless `flexible` is false). A value that does not
 * fit its column is reported at its field's line and column, and the record is skipped.
 */
import { DynaviewError } from '../../../errors.js';
import type { Value } from '../../../engine/value.js';
import type { InputTable } from '../../inputs/input.js';
import type { Decoded, RecordDecoder } from '../decoder.js';
import { INPUT_INVALID_RECORD, type CsvFormat } from '../format.js';
import type { RecordErrors } from '../record-error.js';
import type { TextPosition } from '../text-position.js';
import { CsvFramer, type CsvRecord } from './csv-framer.js';
import { csvFieldValue } from './csv-values.js';

export class CsvDecoder implements RecordDecoder {
  private readonly framer: CsvFramer;
  private readonly trimFields: boolean;
  /** The header line is skipped when the input is read from its start. */
  private headerPending: boolean;
  private records = 0;

  constructor(private readonly format: CsvFormat, private readonly table: InputTable, from: TextPosition, atInputStart: boolean, private readonly errors: RecordErrors) {
    this.framer = new CsvFramer(format, from);
    this.trimFields = format.trim === 'fields' || format.trim === 'all';
    this.headerPending = format.headers && atInputStart;
  }

  *push(chunk: Buffer): Generator<Decoded> {
    for (const record of this.framer.push(chunk)) yield this.decode(record);
  }

  *finish(): Generator<Decoded> {
    for (const record of this.framer.finish()) yield this.decode(record);
  }

  private decode(record: CsvRecord): Decoded {
    const skipped = { changes: [], end: record.end };
    if (this.headerPending) {
      this.headerPending = false;
      return skipped;
    }
    this.records += 1;
    const { fields } = record;
    const columns = this.table.columns;
    const place = { line: record.start.line, col: record.start.col, record: this.records };
    if (record.unterminated) {
      const last = fields.at(-1)!;
      this.errors.reportReason(INPUT_INVALID_RECORD, 'the input ends inside a quoted field: its closing quote is missing', { ...place, line: last.line, col: last.col });
      return skipped;
    }
    if (fields.length < columns.length || (!this.format.flexible && fields.length !== columns.length)) {
      this.errors.reportReason(INPUT_INVALID_RECORD, `has ${fields.length} field(s), and table ${this.table.name} has ${columns.length} column(s) `
        + `(${columns.map((c) => c.name).join(', ')})${this.format.flexible ? '' : '; "flexible": false wants exactly one field per column'}`, place);
      return skipped;
    }
    const values: [string, Value][] = [];
    for (const [i, column] of columns.entries()) {
      const field = fields[i]!;
      try {
        values.push([column.name, csvFieldValue(column, this.trimFields ? field.text.trim() : field.text)]);
      } catch (error) {
        if (!(error instanceof DynaviewError)) throw error;
        this.errors.report(error, { line: field.line, col: field.col, record: this.records });
        return skipped;
      }
    }
    // fromEntries defines properties, so even a column named __proto__ is an ordinary one.
    return { changes: [{ row: Object.fromEntries(values), weight: 1 }], end: record.end };
  }
}
