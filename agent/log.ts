/**
 * The agent's logger: JSON lines on stdout (one per event), never a secret in them. Tokens,
 * passwords and keys are redacted by path as a second line of defence; the first is never to
 * pass them to a log call.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level = process.env.PORTICO_LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { app: 'portico-agent' },
    redact: {
      paths: [
        'token',
        '*.token',
        'password',
        '*.password',
        'key',
        '*.key',
        'authorization',
        '*.authorization',
      ],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/** A logger that drops everything: for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
