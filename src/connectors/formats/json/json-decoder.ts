/**
 * JSON bytes -> records' changes. Without `array` every non-blank line is one event; with it the
 * input is a sequence of JSON arrays of events, found by their brackets whichever lines they span.
 * A record that is not valid JSON is reported at the character where it goes wrong; an event that
 * cannot be decoded is reported and skipped, and the other events of its array are kept.
 */
import { DynaviewError } from '../../../errors.js';
import type { Update } from '../../../schema.js';
import { JsonSyntaxError, parseJsonLossless } from '../../../util/lossless-json.js';
import type { InputTable } from '../../inputs/input.js';
import type { Decoded, RecordDecoder } from '../decoder.js';
import { INPUT_INVALID_JSON, type JsonFormat } from '../format.js';
import type { FramedText, Framer } from '../framer.js';
import { LineFramer } from '../line-framer.js';
import type { RecordErrors, RecordPlace } from '../record-error.js';
import { positionInText, type TextPosition } from '../text-position.js';
import { decodeEvent, type EventTarget } from './json-events.js';
import { JSON_FLAVOR_ENCODINGS } from './json-flavors.js';
import { JsonValueFramer } from './json-value-framer.js';

export class JsonDecoder implements RecordDecoder {
  private readonly framer: Framer<FramedText>;
  private readonly target: EventTarget;
  private records = 0;

  constructor(private readonly format: JsonFormat, table: InputTable, from: TextPosition, private readonly errors: RecordErrors) {
    this.framer = format.array ? new JsonValueFramer(from) : new LineFramer(from);
    this.target = { table, encoding: JSON_FLAVOR_ENCODINGS[format.flavor] };
  }

  *push(chunk: Buffer): Generator<Decoded> {
    for (const frame of this.framer.push(chunk)) yield this.decode(frame);
  }

  *finish(): Generator<Decoded> {
    for (const frame of this.framer.finish()) yield this.decode(frame);
  }

  private decode({ text, start, end }: FramedText): Decoded {
    if (text.trim() === '') return { changes: [], end };
    this.records += 1;
    const place = { line: start.line, col: start.col, record: this.records };
    let message: unknown;
    try {
      message = parseJsonLossless(text);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      this.errors.reportReason(INPUT_INVALID_JSON, `not valid JSON: ${error.reason}`, { ...place, ...positionInText(text, error.offset, start) });
      return { changes: [], end };
    }
    if (!this.format.array) return { changes: this.event(message, place), end };
    if (!Array.isArray(message)) {
      this.errors.reportReason(INPUT_INVALID_JSON, 'expected a JSON array of events ("array": true)', place);
      return { changes: [], end };
    }
    const changes: Update[] = [];
    for (let i = 0; i < message.length; i += 1) {
      // An array can hold more changes than a spread's arguments may.
      for (const change of this.event(message[i], place, i)) changes.push(change);
    }
    return { changes, end };
  }

  /** `index`: the event's index in its array. */
  private event(event: unknown, place: RecordPlace, index?: number): Update[] {
    try {
      return decodeEvent(event, this.format.updateFormat, this.target);
    } catch (error) {
      if (!(error instanceof DynaviewError)) throw error;
      this.errors.report(error, index === undefined ? place : { ...place, event: index });
      return [];
    }
  }
}
