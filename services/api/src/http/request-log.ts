import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from '#shared/logger.js';
import { redactUrl } from './redact-url.js';
import { requestIdOf } from './request-id.js';

declare module 'http' {
  interface IncomingMessage {
    /** The request's id, answered as X-Request-Id (`requestLog`). */
    id: string;
    /** The app's logger bound to this request (`{ req: { id, method, url } }`), built on its first line. */
    log: RequestLogger;
  }
}

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * `req.log`: the methods of a pino logger, writing through a child bound to the request, which is built on the
 * first line written (most requests write none).
 */
export class RequestLogger {
  #bound: Logger | undefined;
  constructor(
    private readonly logger: Logger,
    private readonly req: IncomingMessage,
  ) {}
  #write(level: Level, obj: object, msg?: string): void {
    if (!this.logger.isLevelEnabled(level)) return;
    this.#bound ??= this.logger.child({ req: describeRequest(this.req) });
    this.#bound[level](obj, msg);
  }
  debug(obj: object, msg?: string): void {
    this.#write('debug', obj, msg);
  }
  info(obj: object, msg?: string): void {
    this.#write('info', obj, msg);
  }
  warn(obj: object, msg?: string): void {
    this.#write('warn', obj, msg);
  }
  error(obj: object, msg?: string): void {
    this.#write('error', obj, msg);
  }
}

/** What every log line about a request says of it; the URL with its credentials blanked (redact-url.ts). */
const describeRequest = (req: IncomingMessage & { originalUrl?: string }) => ({
  id: req.id,
  method: req.method,
  url: redactUrl(req.originalUrl ?? req.url ?? ''),
});

/** The level a finished request is logged at: server errors as errors, refusals as info, the rest at debug. */
const levelOf = (status: number): Level => (status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug');

/**
 * Gives each request its id (the caller's X-Request-Id when it is a plain token, else a new one; answered in the
 * same header), `req.log`, and one log line when its response ends:
 * `{ req: { id, method, url }, res: { statusCode }, responseTime }` with "request completed", or "request aborted"
 * when the connection closed first. A request whose line's level is off costs one listener and no serialising:
 * the child logger behind `req.log` is only built when a line is written, and the final line only when its level
 * is on (checked when the response ends, so a level changed at run time applies at once). The line names the
 * response's status only, never its headers (a session cookie is a credential).
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const id = requestIdOf(req);
    req.id = id;
    res.setHeader('X-Request-Id', id);
    req.log = new RequestLogger(logger, req);
    const started = Date.now();
    res.once('close', () => {
      const level = levelOf(res.statusCode);
      if (!logger.isLevelEnabled(level)) return;
      req.log[level](
        { res: { statusCode: res.statusCode }, responseTime: Date.now() - started },
        res.writableFinished ? 'request completed' : 'request aborted',
      );
    });
    next();
  };
}
