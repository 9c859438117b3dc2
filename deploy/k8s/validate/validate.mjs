// Offline check of deploy/k8s: every YAML document is validated against the JSON schema of its kind
// (kubernetes-models for core kinds, @kubernetes-models/keda for ScaledObject and TriggerAuthentication), then
// against the rules this project promises in docs/deployment.md. No cluster is needed or contacted.
//   cd deploy/k8s/validate && npm ci && node validate.mjs
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { parseAllDocuments } from "yaml";

const k8sDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// apiVersion "apps/v1" → the `Deployment` export of kubernetes-models/apps/v1 (its exports map adds ".js");
// core "v1" → kubernetes-models/v1; "keda.sh/v1alpha1" → @kubernetes-models/keda/keda.sh/v1alpha1.
async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const module = group.endsWith("keda.sh")
    ? `@kubernetes-models/keda/${group}/${version}`
    : `kubernetes-models/${group ? `${group}/` : ""}${version}`;
  try {
    return (await import(module))[kind];
  } catch (e) {
    console.log(`     (${module}: ${e.message})`);
    return undefined;
  }
}

// The promises of docs/deployment.md, checked on every pod template.
function houseRules(doc) {
  const spec = doc.kind === "Job" || doc.kind === "Deployment" ? doc.spec.template.spec : undefined;
  if (!spec) return [];
  const problems = [];
  if (spec.securityContext?.runAsNonRoot !== true) problems.push("pod securityContext.runAsNonRoot must be true");
  for (const c of spec.containers) {
    const where = `container ${c.name}`;
    if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) problems.push(`${where}: cpu and memory requests`);
    if (!c.resources?.limits?.memory) problems.push(`${where}: a memory limit`);
    if (c.securityContext?.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem`);
    if (c.securityContext?.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation false`);
    if (!c.securityContext?.capabilities?.drop?.includes("ALL")) problems.push(`${where}: drop ALL capabilities`);
    if (doc.kind === "Deployment") {
      if (c.livenessProbe?.httpGet?.path !== "/healthz") problems.push(`${where}: liveness on /healthz`);
      if (c.readinessProbe?.httpGet?.path !== "/readyz") problems.push(`${where}: readiness on /readyz`);
    }
  }
  if (doc.kind === "Deployment" && !(spec.terminationGracePeriodSeconds >= 35)) {
    problems.push("terminationGracePeriodSeconds must cover the host's 30 s shutdown timeout");
  }
  return problems;
}

const files = (await readdir(k8sDir)).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml").sort();
let passed = 0;
let failed = 0;
for (const file of files) {
  const docs = parseAllDocuments(await readFile(path.join(k8sDir, file), "utf8"));
  for (const parsed of docs) {
    if (parsed.errors.length) {
      failed++;
      console.log(`FAIL ${file}: YAML: ${parsed.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const doc = parsed.toJS();
    if (!doc) continue;
    const name = `${file}: ${doc.kind}/${doc.metadata?.name}`;
    const Model = await modelFor(doc.apiVersion, doc.kind);
    if (!Model) {
      failed++;
      console.log(`FAIL ${name}: no model for ${doc.apiVersion} ${doc.kind}`);
      continue;
    }
    const problems = [];
    try {
      new Model(doc).validate();
    } catch (e) {
      problems.push(`schema: ${e.message}`);
    }
    problems.push(...houseRules(doc));
    if (problems.length) {
      failed++;
      console.log(`FAIL ${name}\n  ${problems.join("\n  ")}`);
    } else {
      passed++;
      console.log(`ok   ${name}`);
    }
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
