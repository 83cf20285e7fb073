// Runs the CLI's main() in-process with buffers for stdout and stderr (no process, no real streams).
import { Writable } from "node:stream";
import { main } from "../../src/cli/main.js";

/** A writable that keeps what was written. */
export class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** What one main() run printed and returned; `lines` is stdout split into lines. */
export interface MainRun {
  code: number;
  stdout: string;
  stderr: string;
  lines: string[];
}

/** Runs `logtally ARGV` in-process. */
export async function runMain(argv: string[]): Promise<MainRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(argv, { stdout, stderr, env: {} });
  return { code, stdout: stdout.text, stderr: stderr.text, lines: stdout.text.replace(/\n$/, "").split("\n") };
}
