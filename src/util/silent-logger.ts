/**
 * The logger used where a library caller gave none: dynaview as a library prints nothing by
 * itself (the command line passes its own logger everywhere), and a caller who wants the records
 * passes a pino logger.
 */
import { pino, type Logger } from 'pino';

export const SILENT_LOGGER: Logger = pino({ level: 'silent' });
