import { describe, expect, it } from 'vitest';

import { BackendError, isErrorCode, toBackendError } from './errors';

describe('toBackendError', () => {
  it('keeps the code and message of an ErrorDto sent by the shell', () => {
    const error = toBackendError({ code: 'notAWorkspace', message: '`/tmp/x.permgrid` is not a permgrid workspace' });
    expect(error).toBeInstanceOf(BackendError);
    expect(error.code).toBe('notAWorkspace');
    expect(error.message).toBe('`/tmp/x.permgrid` is not a permgrid workspace');
    expect(error.toDto()).toEqual({ code: 'notAWorkspace', message: '`/tmp/x.permgrid` is not a permgrid workspace' });
  });

  it('treats an unknown code as internal rather than trusting it', () => {
    const error = toBackendError({ code: 'teapot', message: 'short and stout' });
    expect(error.code).toBe('internal');
  });

  it('turns a bare string (Tauri reports some failures that way) into an internal error with that text', () => {
    const error = toBackendError('command workspace_summary not allowed by ACL');
    expect(error.code).toBe('internal');
    expect(error.message).toBe('command workspace_summary not allowed by ACL');
  });

  it('keeps the message of a JavaScript exception, e.g. when no backend is there', () => {
    const error = toBackendError(new TypeError("Cannot read properties of undefined (reading 'invoke')"));
    expect(error.code).toBe('internal');
    expect(error.message).toContain('invoke');
  });

  it('describes values that are neither errors nor strings', () => {
    expect(toBackendError(undefined).message).toContain('unexpected failure');
    expect(toBackendError({ weird: 1 }).message).toContain('"weird":1');
  });

  it('passes a BackendError through unchanged', () => {
    const original = new BackendError('io', 'disk full');
    expect(toBackendError(original)).toBe(original);
  });

  it('marks preconditionFailed, and only it, as a warning', () => {
    expect(new BackendError('preconditionFailed', 'not now').isWarning).toBe(true);
    expect(new BackendError('corrupt', 'broken').isWarning).toBe(false);
  });
});

describe('isErrorCode', () => {
  it('knows exactly the generated codes', () => {
    expect(isErrorCode('newerVersion')).toBe(true);
    expect(isErrorCode('NewerVersion')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(3)).toBe(false);
  });
});
