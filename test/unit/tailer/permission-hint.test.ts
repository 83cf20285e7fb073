// describePermissionDenied: the sentence a user reads when logtally may not read a log file. The files are real (so
// their mode, owner and group are read as in production); the identity asking is given, so root runs it too.
import { expect } from "chai";
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describePermissionDenied, isPermissionError } from "../../../src/tailer/permission-hint.js";

describe("tailer/permission-hint", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), "logtally-hint-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  // `who` is never the file's owner and never in its group unless the case says so.
  const cases = [
    { name: "group-readable", mode: 0o640, inGroup: false, says: /is -rw-r----- \S+:\S+, readable by group \S+: add alice to that group \(usermod -aG \S+ alice\) and restart logtally, or let it read the file \(setfacl -m u:alice:r .*\)\.$/ },
    { name: "owner-only", mode: 0o600, inGroup: true, says: /is -rw------- \S+:\S+, readable by its owner \S+ only: let alice read it \(setfacl -m u:alice:r .*, or chmod o\+r .*\)\.$/ },
    { name: "no read bits", mode: 0o200, inGroup: true, says: /is --w------- \S+:\S+: give read permission \(chmod u\+r,g\+r .* or setfacl -m u:alice:r .*\)\.$/ },
    { name: "world-readable", mode: 0o644, inGroup: false, says: /readable by everyone, so something else denies it \(an ACL: getfacl .*; AppArmor or SELinux\)\.$/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const file = path.join(dir, `${c.name}.log`);
      writeFileSync(file, "x\n");
      chmodSync(file, c.mode);
      const st = statSync(file);
      const who = { user: "alice", uid: st.uid + 1000, gids: c.inGroup ? [st.gid] : [st.gid + 1000] };
      const text = describePermissionDenied(file, who);
      expect(text.startsWith(`Cannot read log file "${file}": permission denied for user alice (uid ${who.uid}).`), text).to.equal(true);
      expect(text).to.match(c.says);
    });
  }

  const errorCases = [
    { code: "EACCES", want: true },
    { code: "EPERM", want: true },
    { code: "ENOENT", want: false },
    { code: undefined, want: false },
  ];
  for (const c of errorCases) {
    it(`isPermissionError(${c.code ?? "no code"}) is ${c.want}`, () => {
      expect(isPermissionError(Object.assign(new Error("x"), { code: c.code }))).to.equal(c.want);
    });
  }
});
