/** An error a client caused or may see; mapped to HTTP by the API's one error middleware. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super('validation_failed', 400, message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'a valid access token is required') {
    super('unauthorized', 401, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(code = 'forbidden', message = 'you may not do this') {
    super(code, 403, message);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super(`${what}_not_found`, 404, `${what.replace(/_/g, ' ')} not found`);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super(code, 409, message);
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterS: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterS));
    super('rate_limited', 429, `too many requests; retry in ${seconds}s`, undefined, {
      'Retry-After': String(seconds),
    });
  }
}
