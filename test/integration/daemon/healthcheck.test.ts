// `logtally healthcheck`: finds the daemon from the same flags or --config it was started with (what the
// Dockerfile's HEALTHCHECK relies on), exits 0 while it answers and 1 with a sentence once it is gone.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LogtallyProcess } from "../../helpers/logtally-process.js";

const BIN = fileURLToPath(new URL("../../../../bin/logtally.js", import.meta.url));

function healthcheck(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, "healthcheck", ...args], { encoding: "utf8", timeout: 15_000 });
  return { status: r.status, stderr: r.stderr };
}

describe("logtally healthcheck (integration)", function () {
  this.timeout(40_000);
  let dir: string;
  let daemon: LogtallyProcess | null = null;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "logtally-health-"));
    mkdirSync(path.join(dir, "progs"));
    writeFileSync(path.join(dir, "progs", "x.mtail"), "counter x\n/x/ {\n  x++\n}\n");
  });
  after(async () => {
    await daemon?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("follows --port/--address and the config file, and fails once the daemon is gone", async () => {
    daemon = new LogtallyProcess(["--progs", path.join(dir, "progs"), "--port", "0", "--address", "127.0.0.1"]);
    const port = await daemon.waitForHttp();
    expect(healthcheck(["--port", String(port), "--address", "127.0.0.1"])).to.deep.equal({ status: 0, stderr: "" });
    const config = path.join(dir, "logtally.yaml");
    writeFileSync(config, `progs: ${path.join(dir, "progs")}\naddress: 127.0.0.1\nport: ${port}\n`);
    expect(healthcheck(["--config", config]).status).to.equal(0);
    await daemon.stop();
    const gone = healthcheck(["--config", config]);
    expect(gone.status).to.equal(1);
    expect(gone.stderr).to.match(new RegExp(`logtally healthcheck: http://127.0.0.1:${port}/healthz: .*ECONNREFUSED`));
  });

  it("answers a usage mistake with exit code 2", () => {
    const r = healthcheck(["--port", "many"]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/logtally healthcheck: /);
  });
});
