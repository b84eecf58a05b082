// Copy the front-end libraries from node_modules into server/static/vendor/, with their
// licences and a manifest of checksums. Run after `npm ci`: `npm run vendor`.
// YASGUI (the query page) and cytoscape (the evidence graph pages).
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
const target = join(root, "server", "static", "vendor", "yasgui");
const packageDir = join(root, "node_modules", "@zazuko", "yasgui");
const meta = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
const files = ["yasgui.min.js", "yasgui.min.css"];

mkdirSync(target, { recursive: true });
const sha256 = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");
const manifest = {
  package: meta.name,
  version: meta.version,
  license: meta.license,
  integrity: lock.packages["node_modules/@zazuko/yasgui"].integrity,
  files: {},
};
for (const name of files) {
  copyFileSync(join(packageDir, "build", name), join(target, name));
  manifest.files[name] = sha256(join(target, name));
}

// The npm tarball of @zazuko/yasgui ships no licence file; package.json declares MIT.
const authors = [meta.author, ...(meta.contributors || []).map((c) => c.name || c)].join(", ");
writeFileSync(join(target, "LICENSE"), `${meta.name} ${meta.version}
${meta.homepage}

The package declares the MIT License ("license": "${meta.license}" in its package.json) and
names as authors: ${authors}. Its npm tarball ships no licence file, so the MIT License
text is reproduced here.

MIT License

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`);

// The bundle includes its dependencies: collect each one's licence.
const notices = [`Third-party software bundled in ${files.join(" and ")} (${meta.name} ${meta.version}).\n`];
// cytoscape is vendored on its own below and is not part of the YASGUI bundle.
const separate = new Set(["node_modules/cytoscape"]);
const installed = Object.entries(lock.packages)
  .filter(([path, info]) => path.startsWith("node_modules/") && !info.dev && !separate.has(path))
  .sort(([a], [b]) => a.localeCompare(b));
for (const [path, info] of installed) {
  const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
  if (name === meta.name) continue;
  const dir = join(root, path);
  const licenceFile = existsSync(dir)
    ? readdirSync(dir).find((f) => /^licen[cs]e/i.test(f) && !/\.(js|ts)$/.test(f))
    : undefined;
  const text = licenceFile
    ? readFileSync(join(dir, licenceFile), "utf8").trim()
    : `(no licence file shipped; package.json declares: ${info.license})`;
  notices.push(`\n==== ${name} ${info.version} (${info.license}) ====\n\n${text}\n`);
}
writeFileSync(join(target, "THIRD-PARTY-LICENSES.txt"), notices.join(""));
writeFileSync(join(target, "MANIFEST.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`vendored ${meta.name} ${meta.version} into ${target}`);

// cytoscape: one self-contained file and its own licence file.
const cyDir = join(root, "node_modules", "cytoscape");
const cyMeta = JSON.parse(readFileSync(join(cyDir, "package.json"), "utf8"));
const cyTarget = join(root, "server", "static", "vendor", "cytoscape");
mkdirSync(cyTarget, { recursive: true });
copyFileSync(join(cyDir, "dist", "cytoscape.min.js"), join(cyTarget, "cytoscape.min.js"));
copyFileSync(join(cyDir, "LICENSE"), join(cyTarget, "LICENSE"));
const cyManifest = {
  package: cyMeta.name,
  version: cyMeta.version,
  license: cyMeta.license,
  integrity: lock.packages["node_modules/cytoscape"].integrity,
  files: { "cytoscape.min.js": sha256(join(cyTarget, "cytoscape.min.js")) },
};
writeFileSync(join(cyTarget, "MANIFEST.json"), JSON.stringify(cyManifest, null, 2) + "\n");
console.log(`vendored ${cyMeta.name} ${cyMeta.version} into ${cyTarget}`);
