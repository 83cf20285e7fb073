// Tools for writing programs: `logtally test` (cases beside each program) and `logtally explain` (what a line did).
// Uses the compiler, runtime, tailer reader and exporter as the daemon does; only the CLI imports this folder.
export { runTests, TEST_FAILED, TEST_PASSED, TEST_USAGE, type TestIo, type TestRunOptions } from "./test-runner.js";
export { runExplain, type ExplainIo, type ExplainOptions, type LineExplanation } from "./explain.js";
export type { CaseSettings } from "./run-case.js";
