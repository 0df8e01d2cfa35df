// Finding the schemalint binary. Kept free of the `vscode` module so it can
// be unit-tested with plain Node.
import * as fs from "fs";
import * as path from "path";

export interface Env {
  PATH?: string;
  PATHEXT?: string;
}

/** Whether `file` exists and is executable. */
function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The server binary to start: the configured path if set (relative paths
 * resolve against the workspace folder), else `schemalint` found on PATH.
 * Returns undefined when nothing usable exists, so the caller can say so.
 */
export function resolveServerPath(
  configured: string | undefined,
  workspaceFolder: string | undefined,
  env: Env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const exe = platform === "win32" ? ["schemalint.exe", "schemalint.cmd", "schemalint"] : ["schemalint"];
  if (configured && configured.trim() !== "") {
    const candidate = path.isAbsolute(configured) || !workspaceFolder ? configured : path.join(workspaceFolder, configured);
    return isExecutable(candidate) ? candidate : undefined;
  }
  const sep = platform === "win32" ? ";" : ":";
  for (const dir of (env.PATH ?? "").split(sep)) {
    if (!dir) {
      continue;
    }
    for (const name of exe) {
      const candidate = path.join(dir, name);
      if (isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** The documents the server handles: Prisma schemas, migration SQL and the lock file. */
export const documentSelector = [
  { scheme: "file", language: "prisma" },
  { scheme: "file", language: "sql", pattern: "**/migrations/**/*.sql" },
  { scheme: "file", language: "sql", pattern: "**/migration/**/*.sql" },
  { scheme: "file", pattern: "**/migration_lock.toml" },
];
