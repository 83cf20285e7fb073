// Runs the daemon until SIGTERM or SIGINT (or a test's stop promise); SIGHUP reloads programs.
// Returns the exit code: 0 after a clean stop, 1 when it cannot start (port in use, missing --progs), 2 for
// settings that cannot work (unknown time zone, malformed collector address).

import type { Options } from "./options.js";
import { ListenError } from "../server/server.js";
import { WebConfigError } from "../server/web-config.js";
import { Daemon } from "./daemon.js";
import { createLogger } from "./logger.js";

/** Longest a clean stop may take before we give up waiting (the process then exits anyway). */
const STOP_TIMEOUT_MS = 5000;

/** Where the daemon writes and what stops it. */
export interface DaemonIo {
  stderr: NodeJS.WritableStream;
  /** Resolves when the daemon should stop; default: the first SIGTERM or SIGINT. */
  stopSignal?: Promise<unknown>;
}

/** Starts the daemon, waits for the stop signal, stops it and resolves with the exit code. */
export async function runDaemon(options: Options, io: DaemonIo, version: string): Promise<number> {
  const log = createLogger(options.log_level, io.stderr);
  let daemon: Daemon;
  try {
    daemon = new Daemon(options, log, version);
  } catch (err) {
    log.fatal({ err: (err as Error).message }, "Invalid settings.");
    io.stderr.write(`logtally: ${(err as Error).message}\n`);
    return 2;
  }
  // SIGHUP is handled from before start-up: Node's default for it is to exit, so a reload request arriving while the
  // daemon starts (logrotate's postrotate, a deploy script) would kill it. One arriving then reloads once started.
  let startedUp = false;
  let reloadWhenStarted = false;
  const onHup = () => {
    if (!startedUp) {
      reloadWhenStarted = true;
      return;
    }
    daemon.reload().catch((err: unknown) => log.error({ err }, "Reload failed."));
  };
  process.on("SIGHUP", onHup);
  try {
    await daemon.start();
  } catch (err) {
    process.off("SIGHUP", onHup);
    await daemon.stop();
    const known = err instanceof ListenError || err instanceof WebConfigError;
    const message = known ? (err as Error).message : `Cannot start: ${(err as Error).message}`;
    log.fatal({ err: (err as Error).message }, message);
    io.stderr.write(`logtally: ${message}\n`);
    // A mistake in the web config file is a mistake in the settings, as in the flags or --config: exit 2.
    return err instanceof WebConfigError ? 2 : 1;
  }
  startedUp = true;
  if (reloadWhenStarted) onHup();
  let received = "";
  let onSignal: (sig: NodeJS.Signals) => void = () => {};
  const signals = new Promise<void>((resolve) => {
    onSignal = (sig) => {
      received = sig;
      resolve();
    };
  });
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  await Promise.race(io.stopSignal === undefined ? [signals] : [signals, io.stopSignal]);
  process.off("SIGTERM", onSignal);
  process.off("SIGINT", onSignal);
  process.off("SIGHUP", onHup);

  log.info({ signal: received || undefined }, "Stopping.");
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    daemon.stop().then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    log.error({ timeoutMs: STOP_TIMEOUT_MS }, "Stopping took too long; exiting anyway.");
    return 1;
  }
  log.info({}, "Stopped.");
  return 0;
}
