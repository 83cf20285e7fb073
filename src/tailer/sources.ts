// Non-file sources of --logs: stdin ('-'), named pipes, unix:// and tcp:// stream listeners, udp:// datagrams.
// Each connection or datagram gets its own line splitter, so lines from different senders never mix.
import { constants, open as fsOpen } from "node:fs";
import { unlink } from "node:fs/promises";
import { createServer, Socket, type AddressInfo, type Server } from "node:net";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import type { FramerFactory, LineHandler } from "../logline.js";
import { LineSplitter } from "./line-splitter.js";
import type { FileStatus, TailerLogger } from "./types.js";

/** A running non-file source. */
export interface Source {
  readonly status: FileStatus;
  close(): Promise<void>;
}

/** What sources need from the tailer. */
export interface SourceContext {
  readonly onLine: LineHandler;
  readonly logger: TailerLogger;
  readonly maxLineLength: number;
  readonly framerFor?: FramerFactory;
}

/** Whether `log` names a socket source rather than a path. */
export function isSocketUrl(log: string): boolean {
  return /^(unix|tcp|udp):\/\//.test(log);
}

/** A fresh status record for a source named `path`. */
export function newStatus(path: string): FileStatus {
  return { path, offset: 0, size: 0, open: false, lines: 0, bytes: 0, rotations: 0, truncations: 0, errors: 0, linesCut: 0, error: "" };
}

// Feeds one byte stream (a connection, stdin, a pipe) into its own splitter and the shared status.
function feed(ctx: SourceContext, status: FileStatus, stream: NodeJS.ReadableStream): void {
  const framer = ctx.framerFor?.(status.path);
  const splitter = new LineSplitter(framer?.onLine ?? ctx.onLine, status.path, ctx.maxLineLength, framer?.wantsBytes, framer?.onAsciiLine);
  const account = (): void => {
    status.lines += splitter.lines;
    status.linesCut += splitter.linesCut;
    splitter.lines = 0;
    splitter.linesCut = 0;
  };
  stream.on("data", (chunk: Buffer) => {
    splitter.push(chunk);
    status.bytes += chunk.length;
    status.offset += chunk.length;
    account();
  });
  stream.on("end", () => {
    splitter.flush();
    framer?.flush();
    framer?.close();
    account();
  });
  stream.on("close", () => framer?.close());
  stream.on("error", (err: Error) => {
    status.errors++;
    ctx.logger.warn({ err, path: status.path }, "Read error on log source.");
  });
}

/** Reads stdin until it ends. */
export function openStdin(ctx: SourceContext): Source {
  const status = newStatus("-");
  status.open = true;
  feed(ctx, status, process.stdin);
  process.stdin.once("end", () => (status.open = false));
  return {
    status,
    close: async () => {
      process.stdin.pause();
      status.open = false;
    },
  };
}

/**
 * Reads a named pipe. It is opened read-write and non-blocking: opening it read-only would block a libuv thread until
 * a writer appears (and hang shutdown), and holding a write end ourselves means writers may come and go without the
 * pipe ever reporting end-of-file. A line left unterminated by a writer that went away waits for the next writer.
 */
export async function openNamedPipe(ctx: SourceContext, path: string): Promise<Source> {
  const status = newStatus(path);
  const fd = await new Promise<number>((resolve, reject) =>
    fsOpen(path, constants.O_RDWR | constants.O_NONBLOCK, (err, fd) => (err ? reject(err) : resolve(fd))),
  );
  const socket = new Socket({ fd, readable: true, writable: false });
  status.open = true;
  feed(ctx, status, socket);
  return {
    status,
    close: async () => {
      status.open = false;
      socket.destroy();
    },
  };
}

/** Listens on `unix:///path`, `tcp://host:port` or `udp://host:port` and delivers lines under that URL. */
export async function openSocketSource(ctx: SourceContext, url: string): Promise<Source> {
  const status = newStatus(url);
  const parsed = new URL(url);
  if (parsed.protocol === "udp:") return openUdp(ctx, status, parsed);
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    feed(ctx, status, socket);
  });
  const unixPath = parsed.protocol === "unix:" ? decodeURIComponent(parsed.pathname) : undefined;
  if (unixPath) await unlink(unixPath).catch(() => undefined); // a stale socket file from a previous run
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    if (unixPath) server.listen(unixPath, resolve);
    else server.listen(Number(parsed.port), parsed.hostname.replace(/^\[|\]$/g, ""), resolve);
  });
  server.on("error", (err) => {
    status.errors++;
    ctx.logger.warn({ err, path: url }, "Error on log socket.");
  });
  if (!unixPath) status.listening = boundAddress(server.address() as AddressInfo);
  status.open = true;
  return {
    status,
    close: async () => {
      status.open = false;
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// Each datagram holds whole lines; a last line without newline ends with the datagram.
async function openUdp(ctx: SourceContext, status: FileStatus, url: URL): Promise<Source> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const socket: UdpSocket = createSocket(host.includes(":") ? "udp6" : "udp4");
  // Records may span datagrams: the framer keeps them across, and its idle timeout ends the last one.
  const framer = ctx.framerFor?.(status.path);
  const splitter = new LineSplitter(framer?.onLine ?? ctx.onLine, status.path, ctx.maxLineLength, framer?.wantsBytes, framer?.onAsciiLine);
  socket.on("message", (msg) => {
    splitter.push(msg);
    splitter.flush();
    status.bytes += msg.length;
    status.lines += splitter.lines;
    status.linesCut += splitter.linesCut;
    splitter.lines = 0;
    splitter.linesCut = 0;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(Number(url.port), host, () => resolve());
  });
  socket.on("error", (err) => {
    status.errors++;
    ctx.logger.warn({ err, path: status.path }, "Error on log socket.");
  });
  status.listening = boundAddress(socket.address());
  status.open = true;
  return {
    status,
    close: async () => {
      status.open = false;
      framer?.close();
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}

/** "host:port" of a bound socket, with IPv6 hosts in brackets as in a URL. */
function boundAddress(a: AddressInfo): string {
  return a.family === "IPv6" ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}
