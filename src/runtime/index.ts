// Public surface of the runtime: the Runtime class, --compile_only, and program loading from disk.
export { Runtime, compileOnly, compileProgram, type RuntimeOptions, type RuntimeLogger, type ProgramStatus, type LoadResult } from "./runtime.js";
export { loadProgramsFromPath, listProgramFiles, type ProgramFileResult } from "./load.js";
export { ProgramRuntimeError } from "./runtime-error.js";
