// Builds the console into ../dist (embedded by package console): one
// minified ES module bundle, the page and its style sheet. The output
// depends only on the sources and the locked package versions, so
// scripts/build-console.sh reproduces the committed files byte for byte.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";

const out = new URL("../dist/", import.meta.url).pathname;
rmSync(out, { recursive: true, force: true });
mkdirSync(out + "assets", { recursive: true });
await build({
  entryPoints: ["src/main.ts"],
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  legalComments: "eof",
  outfile: out + "assets/app.js",
  logLevel: "warning",
});
copyFileSync("index.html", out + "index.html");
copyFileSync("style.css", out + "assets/style.css");
