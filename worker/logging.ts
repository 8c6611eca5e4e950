/**
 * Structured logs (pino, as Fastify uses) for every process: one JSON object a line, with the
 * process's name. Log lines carry ids, codes and counts, never names, addresses or free text a user
 * typed (the personal data stays in the payloads, which are encrypted).
 */
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { name, pid: process.pid } });
}
