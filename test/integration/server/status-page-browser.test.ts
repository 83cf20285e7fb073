// The status page in a real browser (Debian's chromium, headless, driven by playwright-core) at 1280 px: a daemon
// with a program whose compile error is very long and one with a runtime error. The layout must fit the window
// (nothing cut off or scrolled sideways) and the errors must be visible, with their times and the failing line.
import { expect } from "chai";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { LogtallyProcess, httpGet, waitForBody } from "../../helpers/logtally-process.js";

const CHROMIUM = "/usr/bin/chromium";
/** Flags for a browser in a test: no sandbox (root in CI), no GPU, nothing fetched from the network. */
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const WIDTH = 1280;

// A 500-character regex with an invalid class at its end: the error quotes the whole line with a caret under it.
const LONG_REGEX = Array.from({ length: 30 }, (_, i) => `(?P<field${i}>\\S+)`).join(" ");
const BROKEN_PROGRAM = `counter requests_total\n/^${LONG_REGEX} [z-a]$/ {\n  requests_total++\n}\n`;
const RUNTIME_ERROR_PROGRAM = "gauge last_value\n/^value (\\S+)$/ {\n  last_value = int($1)\n}\n";

/** Where the screenshot is left for a person to look at. */
export const SCREENSHOT = path.join(tmpdir(), "logtally-status-page-1280.png");

describe("status page in a browser (integration)", function () {
  this.timeout(90_000);
  let dir: string;
  let daemon: LogtallyProcess | undefined;
  let browser: Browser | undefined;

  before(function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`    (skipped: ${CHROMIUM} not installed; apt-get install chromium, as .ci/run does)`);
      this.skip();
    }
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "logtally-page-"));
    mkdirSync(path.join(dir, "progs"));
    mkdirSync(path.join(dir, "logs"));
    writeFileSync(path.join(dir, "progs", "broken.mtail"), BROKEN_PROGRAM);
    writeFileSync(path.join(dir, "progs", "values.mtail"), RUNTIME_ERROR_PROGRAM);
    writeFileSync(path.join(dir, "logs", "app.log"), "");
  });
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    await daemon?.stop("SIGKILL").catch(() => undefined);
    daemon = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("fits 1280 px with a long compile error and shows the errors with times and the failing line", async () => {
    const log = path.join(dir, "logs", "app.log");
    daemon = new LogtallyProcess(["--progs", path.join(dir, "progs"), "--logs", path.join(dir, "logs", "*.log"), "--port", "0", "--address", "127.0.0.1"], dir);
    // Not ready while broken.mtail has never compiled; alive all the same.
    const port = await daemon.waitForHttp(0, "/healthz");
    // 503 "starting" until start-up is over, then 503 naming the program.
    await waitForBody(port, "/readyz", (b) => b.includes("never compiled: broken.mtail"));
    expect((await httpGet({ port }, "/readyz")).status).to.equal(503);
    appendFileSync(log, "value 12\nnot a value line\nvalue twelve-and-a-bit\n");
    await waitForBody(port, "/", (b) => b.includes("twelve-and-a-bit"));

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      rightmost: Math.max(...[...document.querySelectorAll("table, pre, td, th, h1, h2, p")].map((e) => e.getBoundingClientRect().right)),
    }));
    expect(layout.scrollWidth, "page wider than the window").to.be.at.most(WIDTH);
    expect(layout.rightmost, "an element ends past the window's right edge").to.be.at.most(WIDTH);

    const compileError = page.locator("pre", { hasText: "broken.mtail:2:" });
    expect(await compileError.isVisible()).to.equal(true);
    const box = (await compileError.boundingBox())!;
    expect(box.x + box.width).to.be.at.most(WIDTH);
    // The message whole, and the long source line as the compiler's 160-character window (src/compiler/diagnostics.ts).
    const errorText = await compileError.innerText();
    expect(errorText).to.include("invalid character class range: `z-a`");
    expect(errorText).to.include("(?P<field0>\\S+) (?P<field1>");
    expect(await page.getByText("compile failed: not running").isVisible()).to.equal(true);
    // Times: when the compile failed and when the runtime error happened (UTC, to the second).
    const text = await page.locator("body").innerText();
    expect(text).to.match(/compile failed: not running at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/);
    expect(text).to.match(/Last runtime error at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(\d+ s ago\): .*twelve-and-a-bit/);
    expect(text).to.include(`on the line in ${log}: value twelve-and-a-bit`);
    // values.mtail read 3 lines, of which 2 matched its pattern (the runtime error does not unmatch a line).
    const header = await page.locator("table").nth(1).locator("th").allInnerTexts();
    const row = await page.locator("tr", { hasText: "values.mtail" }).locator("td").allInnerTexts();
    const column = (name: string): string | undefined => row[header.indexOf(name)];
    expect(header).to.include.members(["Lines", "Matched"]);
    expect([column("Lines"), column("Matched")]).to.deep.equal(["3", "2"]);
  });
});
