// A log file the daemon's user may not read (Debian's /var/log/auth.log is 0640 root:adm): one warning naming the
// file, the user and the fix, shown on the status page; quiet retries; read from the right place once permitted.
// Root ignores file modes, so as root the daemon runs as `nobody` (spawn's uid/gid, no supplementary groups).
import { expect } from "chai";
import { appendFileSync, chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LogtallyProcess, httpGet, waitForBody, type LaunchOptions } from "../../helpers/logtally-process.js";
import { waitFor } from "../../helpers/wait-for.js";

const COUNT_PROGRAM = "counter requests_total by method\n/^(?P<method>[A-Z]+) / {\n  requests_total[$method]++\n}\n";

/** uid and gid of `nobody` from /etc/passwd (65534 on Debian). */
function nobody(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("nobody:"));
  const [, , uid, gid] = (line ?? "nobody:x:65534:65534").split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/** The gid of group `adm` (4 on Debian), as the file's group, so the hint reads as it would on a real system. */
function admGid(): number {
  const line = readFileSync("/etc/group", "utf8").split("\n").find((l) => l.startsWith("adm:"));
  return line === undefined ? 0 : Number(line.split(":")[2]);
}

/** pino's JSON lines at level warn that mention `text`. */
function warningsAbout(stderr: string, text: string): string[] {
  return stderr.split("\n").filter((l) => l.includes('"level":"warn"') && l.includes(text));
}

describe("unreadable log file (integration)", function () {
  this.timeout(60_000);
  const asRoot = process.getuid?.() === 0;
  let dir: string;
  let daemon: LogtallyProcess | undefined;

  beforeEach(function () {
    if (process.platform !== "linux") this.skip();
    dir = mkdtempSync(path.join(tmpdir(), "logtally-eacces-"));
    chmodSync(dir, 0o755); // mkdtemp's 0700 would stop `nobody` at the folder instead of the file
    mkdirSync(path.join(dir, "progs"));
    mkdirSync(path.join(dir, "logs"));
    writeFileSync(path.join(dir, "progs", "count.mtail"), COUNT_PROGRAM);
  });
  afterEach(async () => {
    await daemon?.stop("SIGKILL").catch(() => undefined);
    daemon = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("warns once with the user and the fix, retries quietly, then reads from where it would have started", async () => {
    const log = path.join(dir, "logs", "auth.log");
    writeFileSync(log, "OLD line written before the daemon started\n");
    chmodSync(log, 0o640);
    if (asRoot) chownSync(log, 0, admGid());
    else chmodSync(log, 0o200); // as a normal user, take away our own read permission instead
    const launch: LaunchOptions = asRoot ? nobody() : {};
    daemon = new LogtallyProcess(
      ["--progs", path.join(dir, "progs"), "--logs", path.join(dir, "logs", "*.log"), "--port", "0", "--address", "127.0.0.1", "--log_level", "debug"],
      dir,
      launch,
    );
    const port = await daemon.waitForHttp();
    appendFileSync(log, "GET /while-denied\n");

    // The page names the file, the user and what to do.
    const user = asRoot ? "nobody" : (await import("node:os")).userInfo().username;
    const page = await waitForBody(port, "/", (b) => b.includes("permission denied"));
    expect(page).to.include(`Cannot read log file &quot;${log}&quot;: permission denied for user ${user}`);
    if (asRoot) expect(page).to.match(/readable by group adm: add nobody to that group \(usermod -aG adm nobody\)/);

    // Retries happen (debug), quietly: after at least two of them there is still exactly one warning.
    await waitFor(
      () => daemon!.stderr.split("\n").filter((l) => l.includes("Log file still cannot be read.") && l.includes(log)).length >= 2,
      20_000,
      () => `fewer than two retries logged; stderr:\n${daemon!.stderr}`,
      100,
    );
    const warnings = warningsAbout(daemon.stderr, log);
    expect(warnings, warnings.join("\n")).to.have.length(1);
    expect(warnings[0]).not.to.include('"stack"'); // one sentence, not a stack trace
    expect(await httpGet({ port }, "/metrics").then((r) => r.body)).to.include(`logtally_log_read_errors_total{logfile="${log}"} 1`);

    // Fixed: the line written while denied is read, the one from before start-up is not (files present at start are
    // followed from their end), and the page no longer shows the error.
    chmodSync(log, 0o644);
    appendFileSync(log, "PUT /after-fix\n");
    const metrics = await waitForBody(port, "/metrics", (b) => b.includes('requests_total{method="PUT",prog="count.mtail"} 1'), 20_000);
    expect(metrics).to.include('requests_total{method="GET",prog="count.mtail"} 1');
    expect(metrics).not.to.include('method="OLD"');
    expect((await httpGet({ port }, "/")).body).not.to.include("permission denied");
    expect(daemon.stderr).to.include(`Log file ${log} can be read now`);
    expect(warningsAbout(daemon.stderr, log)).to.have.length(1);
    expect(await daemon.stop("SIGTERM")).to.equal(0);
  });

  it("a glob matching nothing is a warning at start and a note on the status page", async () => {
    const pattern = path.join(dir, "logs", "*.nothing");
    daemon = new LogtallyProcess(["--progs", path.join(dir, "progs"), "--logs", pattern, "--logs", path.join(dir, "missing", "*.log"),
      "--port", "0", "--address", "127.0.0.1"], dir);
    const port = await daemon.waitForHttp();
    expect(warningsAbout(daemon.stderr, `No file matches ${pattern}; files that appear later will be followed.`)).to.have.length(1);
    const missing = path.join(dir, "missing");
    expect(warningsAbout(daemon.stderr, `(the folder ${missing} does not exist)`)).to.have.length(1);
    const page = (await httpGet({ port }, "/")).body;
    expect(page).to.include(`<code>${pattern}</code><div class="warn">Matches no file; files that appear later will be followed.</div>`);
    expect(page).to.include(`Matches no file (the folder <code>${missing}</code> does not exist)`);

    // A file that appears later counts towards its pattern; the note goes away.
    writeFileSync(path.join(dir, "logs", "a.nothing"), "GET /\n");
    await waitForBody(port, "/", (b) => b.includes(`<code>${pattern}</code></td><td class="n">1</td>`));
  });
});
