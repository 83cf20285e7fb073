// deploy/kubernetes: every manifest parses, and the DaemonSet (both variants) has what running on a node needs:
// the kubelet's log folders read-only, a non-root user with the group that reads them, probes on /healthz and
// /readyz, resources, --state_dir on a hostPath; its arguments are valid logtally flags; the ConfigMap's programs
// compile; the Service, PodMonitor and scrape annotations point at the container's port.
import { expect } from "chai";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { resolveOptions } from "../../../src/cli/options.js";
import { compile } from "../../../src/compiler/compile.js";
import { REPO_ROOT } from "../../helpers/logtally-process.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;
const DIR = path.join(REPO_ROOT, "deploy", "kubernetes");

function load(file: string): Doc[] {
  const docs = parseAllDocuments(readFileSync(path.join(DIR, file), "utf8"));
  for (const d of docs) expect(d.errors, `${file}: ${d.errors.join("; ")}`).to.deep.equal([]);
  return docs.map((d) => d.toJS());
}

function manifests(): Array<{ file: string; doc: Doc }> {
  const out: Array<{ file: string; doc: Doc }> = [];
  for (const sub of ["", "remote-write"]) {
    for (const f of readdirSync(path.join(DIR, sub)).filter((x) => x.endsWith(".yaml"))) {
      for (const doc of load(path.join(sub, f))) out.push({ file: path.join(sub, f), doc });
    }
  }
  return out;
}

const all = manifests();
const byKind = (kind: string, sub?: string) => all.filter((m) => m.doc.kind === kind && (sub === undefined || path.dirname(m.file) === sub));

describe("deploy/kubernetes manifests", () => {
  it("every file parses, with apiVersion, kind and a name", () => {
    expect(all.length).to.be.at.least(9);
    for (const { file, doc } of all) {
      expect(doc.apiVersion, file).to.be.a("string");
      expect(doc.kind, file).to.be.a("string");
      if (doc.kind !== "Kustomization") expect(doc.metadata?.name, file).to.be.a("string");
    }
  });

  it("each kustomization lists files that exist", () => {
    for (const { file, doc } of byKind("Kustomization")) {
      for (const r of doc.resources as string[]) expect(existsSync(path.join(DIR, path.dirname(file), r)), `${file}: ${r}`).to.equal(true);
    }
  });

  for (const variant of [".", "remote-write"]) {
    describe(`DaemonSet (${variant === "." ? "scraped" : "remote write"})`, () => {
      const ds = byKind("DaemonSet", variant)[0]?.doc;
      const pod = ds?.spec?.template?.spec;
      const c = pod?.containers?.find((x: Doc) => x.name === "logtally");
      const volume = (name: string) => pod.volumes.find((v: Doc) => v.name === name);
      const mountOf = (hostPath: string) => {
        const v = pod.volumes.find((x: Doc) => x.hostPath?.path === hostPath);
        return v && c.volumeMounts.find((m: Doc) => m.name === v.name);
      };

      it("exists, with a logtally container", () => {
        expect(ds, variant).to.be.an("object");
        expect(c).to.be.an("object");
        expect(ds.spec.selector.matchLabels).to.deep.include(ds.spec.template.metadata.labels);
      });

      it("mounts /var/log/pods and /var/log/containers from the host read-only", () => {
        for (const p of ["/var/log/pods", "/var/log/containers"]) {
          const m = mountOf(p);
          expect(m, p).to.be.an("object");
          expect(m.readOnly, p).to.equal(true);
          expect(m.mountPath, p).to.equal(p); // the same path, so the /var/log/containers symlinks resolve
        }
      });

      it("runs as a non-root user with group 0, which reads the kubelet's 0640 root:root logs", () => {
        expect(pod.securityContext.runAsNonRoot).to.equal(true);
        expect(pod.securityContext.runAsUser).to.be.a("number").and.not.equal(0);
        expect(pod.securityContext.supplementalGroups).to.include(0);
        expect(c.securityContext.allowPrivilegeEscalation).to.equal(false);
        expect(c.securityContext.readOnlyRootFilesystem).to.equal(true);
        expect(c.securityContext.capabilities.drop).to.include("ALL");
      });

      it("probes /healthz (liveness) and /readyz (readiness) on the metrics port", async () => {
        const port = c.ports.find((p: Doc) => p.name === "metrics");
        expect(port.containerPort).to.equal((await options()).port);
        expect(c.livenessProbe.httpGet).to.deep.equal({ path: "/healthz", port: "metrics" });
        expect(c.readinessProbe.httpGet).to.deep.equal({ path: "/readyz", port: "metrics" });
      });

      it("sets cpu and memory requests and limits", () => {
        for (const k of ["requests", "limits"]) for (const r of ["cpu", "memory"]) expect(c.resources[k][r], `${k}.${r}`).to.not.equal(undefined);
      });

      it("keeps --state_dir on a writable hostPath, so a restart resumes exactly once", async () => {
        const o = await options();
        expect(o.state_dir).to.not.equal("");
        const m = c.volumeMounts.find((x: Doc) => x.mountPath === o.state_dir);
        expect(m, "a mount at --state_dir").to.be.an("object");
        expect(m.readOnly ?? false).to.equal(false);
        expect(volume(m.name).hostPath.path).to.be.a("string");
      });

      it("passes arguments logtally accepts, following the container logs with CRI framing", async () => {
        const o = await options();
        expect(o.logs).to.deep.equal(["/var/log/containers/*.log"]);
        expect(o.log_format).to.equal("cri");
        expect(o.progs).to.equal(c.volumeMounts.find((m: Doc) => volume(m.name).configMap).mountPath);
      });

      if (variant === "remote-write") {
        it("pushes with the node's name as instance label and a token from a Secret", async () => {
          const o = await options();
          expect(o.remote_write_url).to.match(/^https?:\/\/.+\/api\/v1\/write$/);
          expect(o.remote_write_label).to.include("node=$(NODE_NAME)");
          expect(c.env.find((e: Doc) => e.name === "NODE_NAME").valueFrom.fieldRef.fieldPath).to.equal("spec.nodeName");
          const tokenDir = path.dirname(o.remote_write_bearer_token_file);
          const m = c.volumeMounts.find((x: Doc) => x.mountPath === tokenDir);
          const secret = byKind("Secret", "remote-write")[0]!.doc;
          expect(volume(m.name).secret.secretName).to.equal(secret.metadata.name);
          expect(secret.stringData).to.have.property(path.basename(o.remote_write_bearer_token_file));
        });
      } else {
        it("is found by the Service, the PodMonitor and the scrape annotations", async () => {
          const labels = ds.spec.template.metadata.labels;
          const svc = byKind("Service")[0]!.doc;
          expect(labels).to.deep.include(svc.spec.selector);
          expect(svc.spec.ports[0].targetPort).to.equal("metrics");
          const pm = byKind("PodMonitor")[0]!.doc;
          expect(labels).to.deep.include(pm.spec.selector.matchLabels);
          expect(pm.spec.podMetricsEndpoints[0].port).to.equal("metrics");
          const a = ds.spec.template.metadata.annotations;
          expect(a["prometheus.io/scrape"]).to.equal("true");
          expect(Number(a["prometheus.io/port"])).to.equal((await options()).port);
        });
      }

      // The container's args as logtally parses them ($(VAR) is expanded by the kubelet; any text passes here).
      async function options() {
        return resolveOptions(c.args as string[]);
      }
    });
  }

  it("ships programs in the ConfigMap that compile", () => {
    const cm = byKind("ConfigMap")[0]!.doc;
    const programs = Object.entries(cm.data as Record<string, string>).filter(([k]) => k.endsWith(".mtail"));
    expect(programs.length).to.be.at.least(1);
    for (const [name, source] of programs) {
      const r = compile(name, source);
      expect("program" in r, "diagnostics" in r ? r.diagnostics : name).to.equal(true);
    }
  });
});
