// The schemalint VS Code extension: starts `schemalint lsp` and attaches it
// to Prisma schemas and migration SQL. It can run beside Prisma's own
// extension: both contribute diagnostics to the same files.
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from "vscode-languageclient/node";
import { documentSelector, resolveServerPath } from "./server";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration("schemalint");
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const command = resolveServerPath(config.get<string>("path"), folder, process.env);
  if (!command) {
    void vscode.window.showErrorMessage(
      "schemalint: the `schemalint` binary was not found. Install it (cargo install --path crates/cli) or set `schemalint.path`.",
    );
    return;
  }
  const serverOptions: ServerOptions = {
    run: { command, args: ["lsp"], transport: TransportKind.stdio },
    debug: { command, args: ["lsp"], transport: TransportKind.stdio },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.prisma,migrations/**,schemalint.toml}"),
    },
  };
  client = new LanguageClient("schemalint", "schemalint", serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
