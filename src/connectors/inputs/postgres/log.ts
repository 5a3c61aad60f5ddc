/**
 * The Postgres connectors log what an operator should know without the run failing (a lost
 * connection being retried, a slot being recreated) with the logger their sink hands them; a sink
 * without one (a test's) hears nothing.
 */
import { pino, type Logger } from 'pino';

export const SILENT: Logger = pino({ level: 'silent' });
