// The error a compiled program throws at run time (a failed conversion, a missing capture group, ...).
// The runtime counts it per program and logs it rate-limited; it never escapes processLine.

/** A runtime error inside a program: ends the program for the current line and is counted. */
export interface ProgramRuntimeError extends Error {
  readonly name: "ProgramRuntimeError";
}

/**
 * Built without calling Error's constructor, so no stack trace is captured: these are expected data errors
 * (a "-" where a number was), thrown on the per-line path, and a stack made each one cost more than the rest of
 * the line. (Switching Error.stackTraceLimit off around super() did the same, but touched a global per throw.)
 * `instanceof Error` still holds through the prototype chain; `stack` is undefined.
 */
export const ProgramRuntimeError = function ProgramRuntimeError(this: { message: string }, message: string) {
  this.message = message;
} as unknown as { new (message: string): ProgramRuntimeError; prototype: ProgramRuntimeError };

Object.setPrototypeOf(ProgramRuntimeError.prototype, Error.prototype);
Object.defineProperty(ProgramRuntimeError.prototype, "name", { value: "ProgramRuntimeError", writable: true, configurable: true });
