/**
 * The command line's logger: structured JSON lines (pino) when stderr is not a terminal, short
 * readable lines when it is.
 */
import { pino, type Logger } from 'pino';

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

export function cliLogger(level: string, err: NodeJS.WriteStream = process.stderr): Logger {
  if (!err.isTTY) return pino({ name: 'dynaview', level }, pino.destination(2));
  return pino({ level }, {
    write(line: string): void {
      const entry = JSON.parse(line) as { level: number; msg?: string; connector?: string };
      const where = entry.connector ? ` [${entry.connector}]` : '';
      err.write(`\r\x1b[K${LEVEL_NAMES[entry.level] ?? 'log'}${where}: ${entry.msg ?? ''}\n`);
    },
  });
}
