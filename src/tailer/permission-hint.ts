// Explains a log file logtally may not read in words a person can act on: the user logtally runs as, the file's
// mode, owner and group, and what would let it read (join the group, an ACL, chmod). Node built-ins only; runs on
// the error path, never per line.
import { accessSync, constants, readFileSync, statSync, type Stats } from "node:fs";
import { userInfo } from "node:os";
import { dirname } from "node:path";

/** Whether an fs error is a permission problem (EACCES, EPERM) rather than a missing or broken file. */
export function isPermissionError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === "EACCES" || code === "EPERM";
}

/** Who is asking: the process's user, its uid and every group it belongs to (effective and supplementary). */
export interface ProcessIdentity {
  user: string;
  uid: number;
  gids: readonly number[];
}

/** The running process's identity. */
export function processIdentity(): ProcessIdentity {
  const uid = process.getuid?.() ?? -1;
  let user = `uid ${uid}`;
  try {
    user = userInfo().username;
  } catch {
    // a uid without a passwd entry (containers started with --user 1234): the number has to do
  }
  const gids = new Set<number>(process.getgroups?.() ?? []);
  if (process.getegid) gids.add(process.getegid());
  return { user, uid, gids: [...gids] };
}

/**
 * One sentence or three on why `path` cannot be read and how to fix it, e.g. `Cannot read log file
 * "/var/log/auth.log": permission denied for user node (uid 1000). The file is -rw-r----- root:adm, readable by
 * group adm only: add node to that group (usermod -aG adm node) and restart logtally, or let it read the file
 * (setfacl -m u:node:r /var/log/auth.log).`
 */
export function describePermissionDenied(path: string, who: ProcessIdentity = processIdentity()): string {
  const head = `Cannot read log file "${path}": permission denied for user ${who.user} (uid ${who.uid}).`;
  const blocked = firstUnsearchableFolder(path);
  if (blocked !== undefined) {
    return `${head} The folder ${blocked} cannot be entered by that user: give it search permission there ` +
      `(setfacl -m u:${who.user}:x ${blocked}, or chmod o+x ${blocked}).`;
  }
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    return head;
  }
  const owner = nameOf("/etc/passwd", st.uid);
  const group = nameOf("/etc/group", st.gid);
  const what = `The file is ${modeString(st.mode)} ${owner}:${group}`;
  const acl = `setfacl -m u:${who.user}:r ${path}`;
  if ((st.mode & 0o004) !== 0) {
    return `${head} ${what}, readable by everyone, so something else denies it (an ACL: getfacl ${path}; AppArmor or SELinux).`;
  }
  if ((st.mode & 0o040) !== 0 && !who.gids.includes(st.gid)) {
    return `${head} ${what}, readable by group ${group}: add ${who.user} to that group (usermod -aG ${group} ` +
      `${who.user}) and restart logtally, or let it read the file (${acl}).`;
  }
  if ((st.mode & 0o400) !== 0 && st.uid !== who.uid) {
    return `${head} ${what}, readable by its owner ${owner} only: let ${who.user} read it (${acl}, or chmod o+r ${path}).`;
  }
  return `${head} ${what}: give read permission (chmod u+r,g+r ${path} or ${acl}).`;
}

/** The first folder on the way to `path` that the process may not search (enter), if any. */
function firstUnsearchableFolder(path: string): string | undefined {
  const folders: string[] = [];
  for (let d = dirname(path); ; d = dirname(d)) {
    folders.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of folders) {
    try {
      accessSync(d, constants.X_OK);
    } catch (err) {
      if (isPermissionError(err)) return d;
      return undefined; // missing: not a permission problem
    }
  }
  return undefined;
}

/** `ls -l`'s mode string for a regular file: -rw-r-----. */
function modeString(mode: number): string {
  const bits = "rwxrwxrwx";
  let s = "-";
  for (let i = 0; i < 9; i++) s += (mode & (0o400 >> i)) !== 0 ? bits[i] : "-";
  return s;
}

/** The name for a uid (/etc/passwd) or gid (/etc/group), or the number when there is no entry. */
function nameOf(file: "/etc/passwd" | "/etc/group", id: number): string {
  try {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const fields = line.split(":");
      if (fields.length >= 3 && Number(fields[2]) === id && fields[2] !== "") return fields[0];
    }
  } catch {
    // no such file (a minimal container): numbers it is
  }
  return String(id);
}
