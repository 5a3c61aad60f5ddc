/**
 * The input transports dynaview knows, by Feldera's `transport.name`. A new input connector is
 * its folder plus one line here; nothing above this module names a concrete connector.
 */
import { ConfigError } from '../../errors.js';
import { unknownNameMessage } from '../../util/config-problems.js';
import { createDatagenInput } from './datagen.js';
import { createFileInput } from './file-input.js';
import type { InputConnector, InputContext, InputTransport, InputTransports } from './input.js';
import { createPostgresCdcInput } from './postgres/cdc-input.js';
import { createPostgresQueryInput } from './postgres/query-input.js';

export const INPUT_TRANSPORTS: InputTransports = {
  datagen: createDatagenInput,
  file_input: createFileInput,
  postgres_input: createPostgresQueryInput,
  postgres_cdc_input: createPostgresCdcInput,
};

export const INPUT_TRANSPORT_NAMES: readonly string[] = Object.keys(INPUT_TRANSPORTS);

/**
 * The connector `transport` names, with its configuration validated; `transports` in place of
 * dynaview's own, e.g. a test's. Throws ConfigError for an unknown transport or an invalid
 * configuration.
 */
export function createInputConnector(transport: InputTransport, context: InputContext, transports: InputTransports = INPUT_TRANSPORTS): InputConnector {
  const create = Object.hasOwn(transports, transport.name) ? transports[transport.name] : undefined;
  if (create === undefined) {
    throw new ConfigError(`connector ${context.connector}`, [
      { field: 'name', message: `"${transport.name}" ${unknownNameMessage(transport.name, Object.keys(transports), 'an input transport')}` },
    ], { connector: context.connector });
  }
  return create(transport, context);
}
