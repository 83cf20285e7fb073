// Buffered line writer for the log generators: collects lines into ~1 MB strings and writes them with one
// syscall each, so generating a million-line log takes a second or two rather than dominating a bench run.
import { closeSync, openSync, writeSync } from "node:fs";

const FLUSH_AT_CHARS = 1 << 20;

/** Appends lines (a "\n" is added to each) to a file created or truncated on construction. */
export class LogWriter {
  private readonly fd: number;
  private pending = "";
  /** Bytes written so far, counting the pending buffer once flushed. */
  bytes = 0;

  constructor(path: string) {
    this.fd = openSync(path, "w");
  }

  line(text: string): void {
    this.pending += text + "\n";
    if (this.pending.length >= FLUSH_AT_CHARS) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    this.bytes += writeSync(this.fd, this.pending);
    this.pending = "";
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
