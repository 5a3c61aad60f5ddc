/**
 * Feldera's `json_flavor`s that dynaview reads, as the value encodings they stand for (Feldera's
 * `SqlSerdeConfig::from(JsonFlavor)` in `feldera-types/src/serde_with_context/serde_config.rs`).
 * In every flavor DECIMAL is read from a number or a string, binary from an array of bytes, and
 * UUID from a string.
 */
import { DEFAULT_VALUE_ENCODING, type ValueEncoding } from '../../../engine/coerce.js';
import type { JsonFlavor } from '../format.js';

export const JSON_FLAVOR_ENCODINGS: Readonly<Record<JsonFlavor, ValueEncoding>> = {
  default: DEFAULT_VALUE_ENCODING,
  // Datagen writes timestamps in RFC 3339, which the default encoding reads as well.
  datagen: DEFAULT_VALUE_ENCODING,
  // Debezium's Kafka Connect JSON with `decimal.handling.mode=string` and `time.precision.mode=connect`.
  debezium_postgres: { time: 'micros', date: 'days', timestamp: 'epoch-millis', variant: 'json-text' },
  debezium_mysql: { time: 'micros', date: 'days', timestamp: 'iso-seconds', variant: 'json-text' },
};

export const JSON_FLAVORS = Object.keys(JSON_FLAVOR_ENCODINGS) as JsonFlavor[];
