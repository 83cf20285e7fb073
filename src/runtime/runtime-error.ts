// The error a compiled program throws at run time (a failed conversion, a missing capture group, ...).
// The runtime counts it per program and logs it rate-limited; it never escapes processLine.

/** A runtime error inside a program: ends the program for the current line and is counted. */
export class ProgramRuntimeError extends Error {
  override readonly name = "ProgramRuntimeError";
}
