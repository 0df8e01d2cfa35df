// Prisma's own validator (@prisma/prisma-schema-wasm), run in-process.
//
//   node bench/prisma_wasm.mjs validate FILE...   exits 1 with Prisma's message if invalid
//   node bench/prisma_wasm.mjs time RUNS FILE...  prints {"ms": median, "runs": RUNS}
//
// Run it from the folder whose node_modules holds the package (bench/run.sh
// does). Timing starts after one warm-up call, so wasm compilation is not
// counted against Prisma.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(path.join(process.cwd(), "package.json"));
const wasm = require("@prisma/prisma-schema-wasm");

const [mode, ...rest] = process.argv.slice(2);
const runs = mode === "time" ? Number(rest.shift()) : 1;
const files = rest.map((f) => [f, fs.readFileSync(f, "utf8")]);
const params = JSON.stringify({ prismaSchema: files, noColorErrors: true });

function validate() {
  try {
    wasm.validate(params);
    return null;
  } catch (e) {
    return String(e && e.message ? e.message : e);
  }
}

if (mode === "validate") {
  const error = validate();
  if (error) {
    console.error(error.slice(0, 4000));
    process.exit(1);
  }
  console.log(`valid: ${files.map((f) => f[0]).join(", ")}`);
} else if (mode === "time") {
  validate();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    validate();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  console.log(JSON.stringify({ ms: samples[Math.floor(samples.length / 2)], runs }));
} else {
  console.error("usage: prisma_wasm.mjs validate FILE... | time RUNS FILE...");
  process.exit(2);
}
