// Deterministic syslog (RFC 3164 style) lines from about forty daemons' messages, for the many-rules workload:
// each message kind is matched by exactly one rule of bench/programs/many-rules.mtail; ~8% match none.
import { LogWriter } from "./log-writer.js";
import { Prng } from "./prng.js";
import type { Generator } from "./generators.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "oscar", "root", "deploy", "backup"];
const BAD_USERS = ["admin", "test", "oracle", "ubuntu", "pi", "guest", "ftpuser", "postgres"];
const HOSTS = ["web-01", "web-02", "web-03", "db-01", "mail-01", "gw-01"];
const IFACES = ["eth0", "eth1", "wlan0"];
const UNITS = ["apt-daily.service", "logrotate.service", "man-db.service", "certbot.service", "backup.service", "fstrim.service"];
const PROCS = ["java", "node", "postgres", "chrome", "python3"];
const DOMAINS = ["example.org", "example.net", "mail.example.com", "lists.example.org"];
const BACKENDS = ["app", "api", "static", "auth"];
const QTYPES = ["A", "A", "A", "AAAA", "AAAA", "MX", "TXT", "PTR", "SRV"];

type Message = (p: Prng) => string;
const hex = (p: Prng, digits: number) => p.nextUint32().toString(16).padStart(8, "0").slice(0, digits).toUpperCase();
const ip = (p: Prng) => `${p.pick([10, 172, 192, 203])}.${p.int(256)}.${p.int(256)}.${1 + p.int(254)}`;
const mac = (p: Prng) => Array.from({ length: 6 }, () => p.int(256).toString(16).padStart(2, "0")).join(":");
const pid = (p: Prng) => 300 + p.int(60000);
const port = (p: Prng) => 1024 + p.int(64000);
const uptime = (p: Prng) => `${(1000 + p.int(900000)).toString().padStart(8, " ")}.${String(p.int(1000000)).padStart(6, "0")}`;

/** [weight, message after "HOST "]. Weights are relative; sshd and postfix dominate, as on a real mail/ssh host. */
const MESSAGES: ReadonlyArray<readonly [number, Message]> = [
  [6, (p) => `sshd[${pid(p)}]: Accepted ${p.pick(["publickey", "publickey", "password", "keyboard-interactive/pam"])} for ${p.pick(USERS)} from ${ip(p)} port ${port(p)} ssh2`],
  [6, (p) => `sshd[${pid(p)}]: Failed password for ${p.int(3) === 0 ? "invalid user " : ""}${p.pick(USERS)} from ${ip(p)} port ${port(p)} ssh2`],
  [4, (p) => `sshd[${pid(p)}]: Invalid user ${p.pick(BAD_USERS)} from ${ip(p)} port ${port(p)}`],
  [4, (p) => `sshd[${pid(p)}]: Disconnected from user ${p.pick(USERS)} ${ip(p)} port ${port(p)}`],
  [4, (p) => { const u = p.pick(USERS); return `sshd[${pid(p)}]: pam_unix(sshd:session): session opened for user ${u}(uid=${1000 + USERS.indexOf(u)}) by (uid=0)`; }],
  [4, (p) => `sshd[${pid(p)}]: pam_unix(sshd:session): session closed for user ${p.pick(USERS)}`],
  [2, (p) => { const u = p.pick(USERS); return `sudo:    ${u} : TTY=pts/${p.int(8)} ; PWD=/home/${u} ; USER=root ; COMMAND=${p.pick(["/usr/bin/apt", "/usr/bin/systemctl", "/bin/journalctl", "/usr/bin/docker", "/bin/cat"])} ${p.pick(["status", "update", "-f", "ps", "/etc/hosts"])}`; }],
  [3, (p) => `CRON[${pid(p)}]: (${p.pick(["root", "www-data", "backup"])}) CMD (${p.pick(["/usr/lib/php/sessionclean", "test -x /usr/sbin/anacron || run-parts /etc/cron.daily", "/opt/backup/run.sh >/dev/null 2>&1"])})`],
  [4, (p) => `postfix/smtpd[${pid(p)}]: connect from ${p.pick(["unknown", "mx1.example.net", "mail.example.com"])}[${ip(p)}]`],
  [4, (p) => `postfix/smtpd[${pid(p)}]: disconnect from ${p.pick(["unknown", "mx1.example.net", "mail.example.com"])}[${ip(p)}] ehlo=1 mail=1 rcpt=${1 + p.int(3)} data=1 quit=1 commands=${5 + p.int(3)}`],
  [2, (p) => { const code = p.pick(["554", "550", "450"]); return `postfix/smtpd[${pid(p)}]: NOQUEUE: reject: RCPT from unknown[${ip(p)}]: ${code} 5.7.1 <${p.pick(USERS)}@${p.pick(DOMAINS)}>: Relay access denied; from=<spam@${p.pick(DOMAINS)}> to=<${p.pick(USERS)}@${p.pick(DOMAINS)}> proto=ESMTP helo=<${p.pick(HOSTS)}>`; }],
  [4, (p) => { const status = p.pick(["sent", "sent", "sent", "sent", "deferred", "bounced"]); return `postfix/smtp[${pid(p)}]: ${hex(p, 10)}: to=<${p.pick(USERS)}@${p.pick(DOMAINS)}>, relay=${p.pick(DOMAINS)}[${ip(p)}]:25, delay=${(p.next() * 5).toFixed(2)}, delays=0.01/0/0.2/0.3, dsn=${status === "sent" ? "2.0.0" : "4.4.1"}, status=${status} (${status === "sent" ? "250 2.0.0 Ok: queued" : "connect timed out"})`; }],
  [3, (p) => `postfix/qmgr[${pid(p)}]: ${hex(p, 10)}: removed`],
  [3, (p) => `postfix/qmgr[${pid(p)}]: ${hex(p, 10)}: from=<${p.pick(USERS)}@${p.pick(DOMAINS)}>, size=${300 + p.int(90000)}, nrcpt=${1 + p.int(3)} (queue active)`],
  [3, (p) => `postfix/cleanup[${pid(p)}]: ${hex(p, 10)}: message-id=<${hex(p, 8)}.${hex(p, 6)}@${p.pick(DOMAINS)}>`],
  [2, (p) => `dhcpd[${pid(p)}]: DHCPDISCOVER from ${mac(p)} via ${p.pick(IFACES)}`],
  [2, (p) => `dhcpd[${pid(p)}]: DHCPOFFER on ${ip(p)} to ${mac(p)} via ${p.pick(IFACES)}`],
  [2, (p) => `dhcpd[${pid(p)}]: DHCPREQUEST for ${ip(p)} (${ip(p)}) from ${mac(p)} via ${p.pick(IFACES)}`],
  [2, (p) => `dhcpd[${pid(p)}]: DHCPACK on ${ip(p)} to ${mac(p)} via ${p.pick(IFACES)}`],
  [1, (p) => `dhcpd[${pid(p)}]: DHCPNAK on ${ip(p)} to ${mac(p)} via ${p.pick(IFACES)}`],
  [1, (p) => `dhcpd[${pid(p)}]: DHCPRELEASE of ${ip(p)} from ${mac(p)} via ${p.pick(IFACES)} (found)`],
  [4, (p) => `kernel: [${uptime(p)}] [UFW BLOCK] IN=${p.pick(IFACES)} OUT= MAC=${mac(p)}:${mac(p)}:08:00 SRC=${ip(p)} DST=${ip(p)} LEN=${40 + p.int(1400)} TOS=0x00 PREC=0x00 TTL=${30 + p.int(220)} ID=${p.int(65536)} PROTO=${p.pick(["TCP", "TCP", "UDP"])} SPT=${port(p)} DPT=${p.pick([22, 23, 80, 443, 3389, 5432, 6379])} WINDOW=1024 RES=0x00 SYN URGP=0`],
  [0.5, (p) => `kernel: [${uptime(p)}] Out of memory: Killed process ${pid(p)} (${p.pick(PROCS)}) total-vm:${p.int(9000000)}kB, anon-rss:${p.int(4000000)}kB, file-rss:0kB`],
  [1, (p) => p.int(2) === 0 ? `kernel: [${uptime(p)}] ${p.pick(IFACES)}: Link is Up - 1Gbps/Full - flow control rx/tx` : `kernel: [${uptime(p)}] ${p.pick(IFACES)}: Link is Down`],
  [2, (p) => `systemd[1]: Started ${p.pick(UNITS)} - ${p.pick(["Daily job", "Rotate log files", "Refresh cache", "Backup"])}.`],
  [2, (p) => `systemd[1]: ${p.pick(UNITS)}: Deactivated successfully.`],
  [1, (p) => `systemd[1]: ${p.pick(UNITS)}: Failed with result '${p.pick(["exit-code", "exit-code", "timeout", "signal"])}'.`],
  [5, (p) => { const q = `${p.pick(["www", "api", "cdn", "mail"])}.${p.pick(DOMAINS)}`; return `named[${pid(p)}]: client @0x7f${hex(p, 8).toLowerCase()} ${ip(p)}#${port(p)} (${q}): query: ${q} IN ${p.pick(QTYPES)} +E(0)K (${ip(p)})`; }],
  [1, (p) => { const d = p.pick(DOMAINS); return `named[${pid(p)}]: lame server resolving '${p.pick(["www", "ns1"])}.${d}' (in '${d}'?): ${ip(p)}#53`; }],
  [1, (p) => `ntpd[${pid(p)}]: adjusting local clock by ${p.int(2) === 0 ? "-" : ""}${(p.next() * 0.2).toFixed(6)}s`],
  [3, (p) => `dovecot: imap-login: Login: user=<${p.pick(USERS)}>, method=${p.pick(["PLAIN", "PLAIN", "LOGIN", "CRAM-MD5"])}, rip=${ip(p)}, lip=${ip(p)}, mpid=${pid(p)}, TLS, session=<${hex(p, 8)}${hex(p, 8)}>`],
  [1, (p) => `dovecot: auth: pam(${p.pick(USERS)},${ip(p)},<${hex(p, 8)}>): pam_authenticate() failed: Authentication failure (password mismatch?)`],
  [6, (p) => { const b = p.pick(BACKENDS); return `haproxy[${pid(p)}]: ${ip(p)}:${port(p)} [10/Mar/2024:00:00:${String(p.int(60)).padStart(2, "0")}.${String(p.int(1000)).padStart(3, "0")}] www~ ${b}/${b}${1 + p.int(3)} 0/0/1/${p.int(200)}/${p.int(400)} ${p.pick([200, 200, 200, 200, 301, 404, 500, 503])} ${p.int(50000)} - - ---- 12/12/3/1/0 0/0 "GET /${p.pick(["", "index.html", "api/v1/ping", "login"])} HTTP/1.1"`; }],
  [0.5, (p) => { const from = 30 + p.int(15); return `smartd[${pid(p)}]: Device: /dev/${p.pick(["sda", "sdb", "nvme0"])} [SAT], SMART Usage Attribute: 194 Temperature_Celsius changed from ${from} to ${from + 1}`; }],
  [1, (p) => `su[${pid(p)}]: (to root) ${p.pick(USERS)} on pts/${p.int(8)}`],
  [0.2, (p) => { const n = p.pick(BAD_USERS); return `useradd[${pid(p)}]: new user: name=${n}, UID=${2000 + p.int(100)}, GID=${2000 + p.int(100)}, home=/home/${n}, shell=/bin/bash, from=/dev/pts/0`; }],
  [2, (p) => `dockerd[${pid(p)}]: time="2024-03-10T00:00:${String(p.int(60)).padStart(2, "0")}.${String(p.int(1000000000)).padStart(9, "0")}Z" level=${p.pick(["info", "info", "info", "warning", "error"])} msg="${p.pick(["ignoring event", "health check for container timed out", "failed to get container stats", "loading plugin"])}"`],
  [1, (p) => `avahi-daemon[${pid(p)}]: Registering new address record for ${ip(p)} on ${p.pick(IFACES)}.IPv4.`],
  [1, (p) => `pure-ftpd: (?@${ip(p)}) [INFO] ${p.pick(USERS)} is now logged in`],
  [2, (p) => `postgres[${pid(p)}]: [${1 + p.int(9)}-1] LOG:  duration: ${(p.next() * 3000).toFixed(3)} ms  statement: ${p.pick(["SELECT * FROM orders WHERE id = $1", "UPDATE stock SET n = n - 1", "COMMIT"])}`],
  [2, (p) => `systemd-logind[${pid(p)}]: New session ${1 + p.int(5000)} of user ${p.pick(USERS)}.`],
  [1, (p) => `NetworkManager[${pid(p)}]: <info>  [${1710028800 + p.int(86400)}.${String(p.int(10000)).padStart(4, "0")}] dhcp4 (${p.pick(IFACES)}): state changed ${p.pick(["bound", "extended"])} -> ${p.pick(["bound", "extended"])}`],
  // Lines no rule matches: every regex is tried and fails, which is the common case on a real syslog.
  [3, (p) => `rsyslogd: [origin software="rsyslogd" swVersion="8.2302.0" x-pid="${pid(p)}" x-info="https://www.rsyslog.com"] rsyslogd was HUPed`],
  [3, (p) => `kernel: [${uptime(p)}] audit: type=1400 audit(${1710028800 + p.int(86400)}.123:${p.int(999)}): apparmor="DENIED" operation="open" profile="snap.firefox" name="/proc/${pid(p)}/status" pid=${pid(p)}`],
  [2, (p) => `systemd-resolved[${pid(p)}]: Using degraded feature set UDP instead of UDP+EDNS0 for DNS server ${ip(p)}.`],
];

const TOTAL_WEIGHT = MESSAGES.reduce((s, [w]) => s + w, 0);
/** 2024-03-09T22:00:00Z, so the log crosses midnight and the day field goes from " 9" (padded) to "10". */
const START_MS = Date.UTC(2024, 2, 9, 22, 0, 0);

/** Syslog lines "Mmm _d hh:mm:ss host daemon[pid]: message", a few lines per second. */
export const generateSyslog: Generator = (path, lines, seed) => {
  const prng = new Prng(seed);
  const out = new LogWriter(path);
  let ms = START_MS;
  let lastSecond = -1;
  let stamp = "";
  for (let i = 0; i < lines; i++) {
    ms += prng.int(200);
    const second = Math.floor(ms / 1000);
    if (second !== lastSecond) {
      lastSecond = second;
      const d = new Date(second * 1000);
      const day = d.getUTCDate();
      const hms = d.toISOString().slice(11, 19);
      stamp = `${MONTHS[d.getUTCMonth()]} ${day < 10 ? " " + day : day} ${hms}`;
    }
    let r = prng.next() * TOTAL_WEIGHT;
    let k = 0;
    while (r >= MESSAGES[k]![0] && k < MESSAGES.length - 1) r -= MESSAGES[k++]![0];
    out.line(`${stamp} ${prng.pick(HOSTS)} ${MESSAGES[k]![1](prng)}`);
  }
  out.close();
  return out.bytes;
};
