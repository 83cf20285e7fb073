// logtally's own logs: pino JSON lines on the given stream (stderr in production), at --log_level.
// The logger is created here and passed down (runtime, tailer, server); nothing below imports a global logger.

import { pino, type Logger } from "pino";

export type { Logger } from "pino";

/** A JSON logger writing synchronously to `stream`, so nothing is lost when the process exits right after. */
export function createLogger(level: string, stream: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { name: "logtally" },
      // ISO times read better in `journalctl` and container logs than epoch ms.
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream as unknown as pino.DestinationStream,
  );
}
