// `npm start` as a newcomer runs it on a fresh clone: the bundled logtally.yaml follows only the project's logs/
// folder (created by the start script), and SIGTERM to the npm process stops the daemon too (the start script
// execs node, so npm's signal goes to the daemon rather than to an intermediate shell).
import { expect } from "chai";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { LogtallyProcess, REPO_ROOT, httpGet } from "../../helpers/logtally-process.js";
import { waitFor } from "../../helpers/wait-for.js";

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pids of a process's children (Linux's /proc). */
function childrenOf(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
  return text === "" ? [] : text.split(/\s+/).map(Number);
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

describe("npm start (integration)", function () {
  this.timeout(60_000);
  let project: string;
  let npm: LogtallyProcess | undefined;
  let daemonPid = 0;

  beforeEach(() => {
    // A copy of the project's top level, with the built code and dependencies linked in: logs/ does not exist yet.
    project = mkdtempSync(path.join(tmpdir(), "logtally-npm-start-"));
    for (const f of ["package.json", "logtally.yaml"]) copyFileSync(path.join(REPO_ROOT, f), path.join(project, f));
    for (const d of ["bin", "dist", "programs", "node_modules"]) symlinkSync(path.join(REPO_ROOT, d), path.join(project, d));
  });
  afterEach(async () => {
    // SIGKILL reaches npm only: stop the daemon itself too, should the test have failed before npm stopped it.
    if (daemonPid > 0 && processExists(daemonPid)) process.kill(daemonPid, "SIGKILL");
    await npm?.stop("SIGKILL").catch(() => undefined);
    npm = undefined;
    daemonPid = 0;
    rmSync(project, { recursive: true, force: true });
  });

  it("creates logs/, follows only logs/*.log, and SIGTERM to npm leaves no daemon on the port", async () => {
    const env = { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" };
    const command = ["npm", "start", "--", "--port", "0", "--address", "127.0.0.1"];
    npm = new LogtallyProcess([], project, { command, env });
    const port = await npm.waitForHttp();
    expect(existsSync(path.join(project, "logs"))).to.equal(true);
    // The one pattern is logged, with a warning since the new folder has no *.log file yet.
    expect(npm.stderr).to.include(`No file matches ${path.join(project, "logs", "*.log")}; files that appear later will be followed.`);
    expect(npm.stderr).not.to.include("/var/log");
    expect((await httpGet({ port }, "/readyz")).status).to.equal(200);

    // npm's only child is the daemon itself: the start script's shell has exec'd node.
    const children = childrenOf(npm.child.pid!);
    expect(children).to.have.length(1);
    daemonPid = children[0];
    expect(readFileSync(`/proc/${daemonPid}/cmdline`, "utf8").split("\0")).to.include("bin/logtally.js");
    expect(await npm.stop("SIGTERM", 15_000)).to.equal(0);
    await waitFor(() => !processExists(daemonPid), 5000, () => `daemon pid ${daemonPid} still running after npm exited`);
    expect(await portOpen(port)).to.equal(false);
  });
});
