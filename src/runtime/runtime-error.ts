// The error a compiled program throws at run time (a failed conversion, a missing capture group, ...).
// The runtime counts it per program and logs it rate-limited; it never escapes processLine.

/** A runtime error inside a program: ends the program for the current line and is counted. */
export interface ProgramRuntimeError extends Error {
  readonly name: "ProgramRuntimeError";
}

/**
 * Builds one without calling Error's constructor, so no stack trace is captured: these are expected data errors
 * (a "-" where a number was), thrown on the per-line path. A stack made each one cost more than the rest of the
 * line, and even switching Error.stackTraceLimit off around super() cost ~50 ns (Apache benchmark, 10% of lines
 * fail: 242 -> 2xx ms CPU per 300k lines, see the report). `instanceof Error` still holds (prototype chain).
 */
export const ProgramRuntimeError = function ProgramRuntimeError(this: { message: string }, message: string) {
  this.message = message;
} as unknown as { new (message: string): ProgramRuntimeError; prototype: ProgramRuntimeError };

Object.setPrototypeOf(ProgramRuntimeError.prototype, Error.prototype);
Object.defineProperty(ProgramRuntimeError.prototype, "name", { value: "ProgramRuntimeError", writable: true, configurable: true });
