// Copies the console's front-end packages from node_modules into the folder the server serves
// (src/openpsap/console/static/vendor, gitignored). Run by scripts/setup.sh after `npm ci`.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "src/openpsap/console/static/vendor");
const files = [
  ["leaflet/dist/leaflet.js", "leaflet.js"],
  ["leaflet/dist/leaflet.css", "leaflet.css"],
  ["leaflet/dist/images", "images"],
  ["leaflet/LICENSE", "LICENSE-leaflet.txt"],
  ["protomaps-leaflet/dist/protomaps-leaflet.js", "protomaps-leaflet.js"],
  ["protomaps-leaflet/LICENSE", "LICENSE-protomaps-leaflet.txt"],
  // the API documentation page (/api/v1/docs), served from here instead of a CDN
  ["swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui-bundle.js"],
  ["swagger-ui-dist/swagger-ui.css", "swagger-ui.css"],
  ["swagger-ui-dist/LICENSE", "LICENSE-swagger-ui.txt"],
];
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const [from, to] of files) {
  cpSync(join(root, "node_modules", from), join(out, to), { recursive: true });
}
writeFileSync(join(out, "BUILT"), "built by scripts/build_console.mjs\n");
console.log(`console vendor files -> ${out}`);
