import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { documentSelector, resolveServerPath } from "../src/server";

function fakeBinary(dir: string, name: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, "#!/bin/sh\n");
  fs.chmodSync(file, 0o755);
  return file;
}

test("finds schemalint on PATH", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sl-"));
  const bin = fakeBinary(dir, "schemalint");
  assert.equal(resolveServerPath("", undefined, { PATH: `/nonexistent:${dir}` }, "linux"), bin);
});

test("the configured path wins, relative to the workspace folder", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sl-"));
  fs.mkdirSync(path.join(dir, "bin"));
  const bin = fakeBinary(path.join(dir, "bin"), "my-schemalint");
  assert.equal(resolveServerPath("bin/my-schemalint", dir, { PATH: "" }, "linux"), bin);
  assert.equal(resolveServerPath(bin, undefined, { PATH: "" }, "linux"), bin);
});

test("a missing or non-executable binary is undefined, not a crash", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sl-"));
  fs.writeFileSync(path.join(dir, "schemalint"), "not executable");
  assert.equal(resolveServerPath("", undefined, { PATH: dir }, "linux"), undefined);
  assert.equal(resolveServerPath("/does/not/exist", undefined, { PATH: dir }, "linux"), undefined);
  assert.equal(resolveServerPath(undefined, undefined, {}, "linux"), undefined);
});

test("attaches to Prisma schemas and migration SQL only", () => {
  assert.ok(documentSelector.some((s) => s.language === "prisma"));
  assert.ok(documentSelector.some((s) => s.language === "sql" && s.pattern === "**/migrations/**/*.sql"));
  assert.ok(documentSelector.every((s) => s.scheme === "file"));
});
