import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs; credentials are redacted wherever they appear in a logged object. */
export function createLogger(opts: { level: string; service: string }): Logger {
  return pino({
    level: opts.level,
    base: { service: opts.service },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.token',
        '*.accessToken',
        '*.apiKey',
        '*.ssoSecret',
        '*.totp',
        '*.totpSecret',
        '*.otpauthUrl',
      ],
      censor: '[redacted]',
    },
  });
}
