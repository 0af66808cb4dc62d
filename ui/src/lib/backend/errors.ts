import type { ErrorCode } from './bindings/ErrorCode';
import type { ErrorDto } from './bindings/ErrorDto';

/** Every code the engine may send, checked against the generated `ErrorCode` union. */
const ERROR_CODES = {
  notFound: true,
  alreadyExists: true,
  invalidInput: true,
  notAWorkspace: true,
  newerVersion: true,
  corrupt: true,
  preconditionFailed: true,
  verificationFailed: true,
  wrongPassphrase: true,
  io: true,
  internal: true,
} as const satisfies Record<ErrorCode, true>;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** A failed backend call, as the engine described it: `{ code, message }` (its `ErrorDto`). */
export class BackendError extends Error implements ErrorDto {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'BackendError';
    this.code = code;
  }

  /** `preconditionFailed` means "valid, but not now": show it as a warning, not a failure. */
  get isWarning(): boolean {
    return this.code === 'preconditionFailed';
  }

  toDto(): ErrorDto {
    return { code: this.code, message: this.message };
  }
}

/**
 * Turns whatever a rejected `invoke` produced into a `BackendError`.
 * The shell rejects with an `ErrorDto`; anything else (a string from Tauri itself, a
 * JavaScript exception because no backend is there) becomes an `internal` error whose
 * message still says what happened.
 */
export function toBackendError(reason: unknown): BackendError {
  if (reason instanceof BackendError) return reason;
  if (typeof reason === 'object' && reason !== null) {
    const { code, message } = reason as { code?: unknown; message?: unknown };
    if (isErrorCode(code) && typeof message === 'string') {
      return new BackendError(code, message);
    }
    if (reason instanceof Error) {
      return new BackendError('internal', reason.message || reason.name);
    }
  }
  if (typeof reason === 'string' && reason.length > 0) {
    return new BackendError('internal', reason);
  }
  return new BackendError('internal', `unexpected failure: ${safeDescribe(reason)}`);
}

function safeDescribe(value: unknown): string {
  // JSON.stringify gives no text for these, and throws on bigints and cycles.
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return `a ${typeof value} that cannot be shown`;
  }
}
