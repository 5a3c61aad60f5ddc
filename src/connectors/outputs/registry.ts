/**
 * The output transports dynaview knows, by Feldera's `transport.name`. A new output connector is
 * its folder plus one line here; nothing above this module names a concrete connector.
 */
import { dynamoDBOutputTransport } from '../dynamodb/connector.js';
import { closestName } from '../../util/closest-name.js';
import { fileOutputTransport } from './file-output.js';
import type { OutputTransportEntry } from './output.js';

const TRANSPORTS: Readonly<Record<string, OutputTransportEntry>> = {
  dynamodb_output: dynamoDBOutputTransport,
  file_output: fileOutputTransport,
};

export const OUTPUT_TRANSPORT_NAMES: readonly string[] = Object.keys(TRANSPORTS);

/** The transport registered under `name`, or undefined. */
export function outputTransport(name: string): OutputTransportEntry | undefined {
  return Object.hasOwn(TRANSPORTS, name) ? TRANSPORTS[name] : undefined;
}

/** Why `name` is not an output transport: a "did you mean" when one is close, otherwise the list of them. */
export function unknownOutputTransportMessage(name: string): string {
  const suggestion = closestName(name, OUTPUT_TRANSPORT_NAMES);
  const advice = suggestion === undefined
    ? `the supported output transports are ${OUTPUT_TRANSPORT_NAMES.map((n) => `"${n}"`).join(', ')}`
    : `did you mean "${suggestion}"?`;
  return `unknown output transport "${name}"; ${advice}`;
}
