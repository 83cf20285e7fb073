// The error a compiled program throws at run time (a failed conversion, a missing capture group, ...).
// The runtime counts it per program and logs it rate-limited; it never escapes processLine.

/** A runtime error inside a program: ends the program for the current line and is counted. */
export class ProgramRuntimeError extends Error {
  override readonly name = "ProgramRuntimeError";

  constructor(message: string) {
    // No stack trace: these are expected data errors (a "-" where a number was), thrown on the per-line path,
    // and capturing a stack made them cost more than the rest of the line (profiled on Apache logs).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}
