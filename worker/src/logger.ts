// Structured JSON logs (pino) for both service processes.
import { type Logger, pino } from 'pino';

export function createLogger(name: string, level: string): Logger {
  return pino({ name, level });
}
