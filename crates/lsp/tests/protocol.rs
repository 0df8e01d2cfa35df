//! Protocol tests: the server driven through its real JSON-RPC layer over
//! in-memory streams, on a copy of the example workspace.

mod common;

use common::*;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_on_the_example_workspace() {
    let (_dir, root) = workspace();
    let mut client = Client::start();
    let init = initialize(&mut client, &root).await;
    assert_eq!(
        init["result"]["capabilities"]["textDocumentSync"], 2,
        "incremental sync"
    );
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");

    // Diagnostics arrive for files that are not open, SQL included.
    let migration =
        root.join("prisma/migrations/20240318110000_instrument_calibrations/migration.sql");
    let p = client
        .diagnostics_until(&uri(&migration), |p| {
            !p["diagnostics"].as_array().unwrap().is_empty()
        })
        .await;
    assert!(codes(&p).contains(&"SL503".to_string()), "{p}");
    let d = &p["diagnostics"][0];
    assert_eq!(d["source"], "schemalint");
    assert!(d["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .contains("docs/rules.md#sl"));

    // Open the qms schema and see its findings, with the document version.
    let qms = root.join("src/qms/schema.prisma");
    let text = std::fs::read_to_string(&qms).unwrap();
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(&qms), "languageId": "prisma", "version": 1, "text": text}}),
        )
        .await;
    let p = client
        .diagnostics_until(&uri(&qms), |p| p["version"] == 1)
        .await;
    assert!(
        has_message(&p, "`CapaAction.owner` to `User` has no index"),
        "{p}"
    );
    let sl401 = p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SL401")
        .unwrap();
    let related = sl401["relatedInformation"][0]["location"]["uri"]
        .as_str()
        .unwrap_or_else(|| panic!("{sl401}"));
    assert!(related.ends_with("src/lims/schema.prisma"), "{related}");

    // Code actions on the missing index: a preferred safe quick fix and an ignore action.
    let owner = pos(&text, "owner     User");
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri(&qms)},
                "range": {"start": owner, "end": owner},
                "context": {"diagnostics": []},
            }),
        )
        .await;
    let actions = actions["result"].as_array().unwrap().clone();
    let fix = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Add `@@index([ownerId])`")
        })
        .unwrap();
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    let edit = &fix["edit"]["documentChanges"][0]["edits"][0];
    assert_eq!(edit["newText"], "\n  @@index([ownerId])");
    assert!(actions
        .iter()
        .any(|a| a["title"] == "Ignore SL101 on this line"));
    assert!(actions
        .iter()
        .any(|a| a["kind"] == "source.fixAll.schemalint"));

    // Apply the fix as an incremental edit: the finding goes away.
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri(&qms), "version": 2},
                "contentChanges": [{"range": edit["range"], "text": edit["newText"]}],
            }),
        )
        .await;
    let p = client
        .diagnostics_until(&uri(&qms), |p| p["version"] == 2)
        .await;
    assert!(
        !has_message(&p, "`CapaAction.owner` to `User` has no index"),
        "{p}"
    );

    // Hover on a type name, and go to its definition in another module.
    let user_type = pos(&text, "User      @relation(fields: [ownerId]");
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(&qms)}, "position": user_type}),
        )
        .await;
    let value = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        value.contains("**model `User`**") && value.contains("module `core`"),
        "{value}"
    );
    let def = client
        .request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri(&qms)}, "position": user_type}),
        )
        .await;
    assert!(
        def["result"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("src/core/schema.prisma"),
        "{def}"
    );

    client.request("shutdown", json!(null)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emoji_do_not_shift_ranges_and_bursts_end_on_the_final_text() {
    let (_dir, root) = workspace();
    let mut client = Client::start();
    initialize(&mut client, &root).await;
    let qms = root.join("src/qms/schema.prisma");
    let text = std::fs::read_to_string(&qms).unwrap();
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(&qms), "languageId": "prisma", "version": 1, "text": text}}),
        )
        .await;
    client
        .diagnostics_until(&uri(&qms), |p| p["version"] == 1)
        .await;

    // 200 one-character edits typed into a comment with emoji at the top of
    // the file, sent without waiting.
    let mut current = text.clone();
    let mut version = 1;
    let prefix = "// 🚀🧪 ";
    current.insert_str(0, &format!("{prefix}\n"));
    version += 1;
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri(&qms), "version": version},
                "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": format!("{prefix}\n")}],
            }),
        )
        .await;
    let first_col: usize = prefix.chars().map(char::len_utf16).sum();
    for i in 0..199 {
        let col = first_col + i;
        let ch = if i % 2 == 0 { "é" } else { "x" };
        let at = current.find('\n').unwrap();
        current.insert_str(at, ch);
        version += 1;
        client
            .notify(
                "textDocument/didChange",
                json!({
                    "textDocument": {"uri": uri(&qms), "version": version},
                    "contentChanges": [{"range": {"start": {"line": 0, "character": col}, "end": {"line": 0, "character": col}}, "text": ch}],
                }),
            )
            .await;
    }
    let p = client
        .diagnostics_until(&uri(&qms), |p| p["version"] == version)
        .await;

    // The ranges match the final text: the SL403 range covers `@@schema("lims")`.
    let d = p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SL403")
        .unwrap()
        .clone();
    let start = &d["range"]["start"];
    let line = current
        .lines()
        .nth(start["line"].as_u64().unwrap() as usize)
        .unwrap();
    let units: Vec<u16> = line.encode_utf16().collect();
    let from = start["character"].as_u64().unwrap() as usize;
    let to = d["range"]["end"]["character"].as_u64().unwrap() as usize;
    assert_eq!(
        String::from_utf16(&units[from..to]).unwrap(),
        "@@schema(\"lims\")"
    );
    // The server's buffer equals ours: the first line is exactly what we typed.
    let sl101 = p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SL101")
        .unwrap();
    let line = sl101["range"]["start"]["line"].as_u64().unwrap() as usize;
    assert!(
        current
            .lines()
            .nth(line)
            .unwrap()
            .trim_start()
            .starts_with("owner"),
        "{line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn symbols_completion_and_watched_files() {
    let (_dir, root) = workspace();
    let mut client = Client::start();
    initialize(&mut client, &root).await;
    let lims = root.join("src/lims/schema.prisma");
    let text = std::fs::read_to_string(&lims).unwrap();
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(&lims), "languageId": "prisma", "version": 1, "text": text}}),
        )
        .await;

    // Document symbols: blocks with their fields.
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri(&lims)}}),
        )
        .await;
    let symbols = symbols["result"].as_array().unwrap();
    let sample = symbols.iter().find(|s| s["name"] == "Sample").unwrap();
    assert_eq!(sample["kind"], 5, "a class");
    assert!(sample["children"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "projectId"));
    assert!(symbols
        .iter()
        .any(|s| s["name"] == "SampleStatus" && s["kind"] == 10));

    // Workspace symbols across modules.
    let found = client
        .request("workspace/symbol", json!({"query": "devia"}))
        .await;
    let names: Vec<&str> = found["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Deviation") && names.contains(&"DeviationAudit"),
        "{names:?}"
    );

    // Completion of a field type, an attribute and a referential action.
    let edited = text.replacen("  matrix      String\n", "  matrix      String\n  lab Proj\n  x String @uni\n  y Sample @relation(fields: [x], references: [id], onDelete: \n", 1);
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(&lims), "version": 2}, "contentChanges": [{"text": edited}]}),
        )
        .await;
    let at = |needle: &str| {
        let mut p = pos(&edited, needle);
        p["character"] = json!(p["character"].as_u64().unwrap() + needle.chars().count() as u64);
        p
    };
    let labels = |v: &Value| -> Vec<String> {
        v["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["label"].as_str().unwrap().to_string())
            .collect()
    };
    let r = client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri(&lims)}, "position": at("  lab Proj")}),
        )
        .await;
    assert_eq!(labels(&r), ["Project"]);
    let r = client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri(&lims)}, "position": at("x String @uni")}),
        )
        .await;
    assert_eq!(labels(&r), ["unique"]);
    let r = client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri(&lims)}, "position": at("onDelete: ")}),
        )
        .await;
    assert_eq!(
        labels(&r),
        ["Cascade", "Restrict", "NoAction", "SetNull", "SetDefault"]
    );

    // A down.sql written on disk clears SL501 once the client reports it.
    let migration = root.join("prisma/migrations/20240105093000_init/migration.sql");
    client
        .diagnostics_until(&uri(&migration), |p| {
            codes(p).contains(&"SL501".to_string())
        })
        .await;
    let down = root.join("prisma/migrations/20240105093000_init/down.sql");
    std::fs::write(
        &down,
        "DROP SCHEMA \"core\" CASCADE;\nDROP SCHEMA \"lims\" CASCADE;\n",
    )
    .unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri(&down), "type": 1}]}),
        )
        .await;
    client
        .diagnostics_until(&uri(&migration), |p| {
            !codes(p).contains(&"SL501".to_string())
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn references_and_rename_across_files() {
    let (_dir, root) = workspace();
    let mut client = Client::start();
    initialize(&mut client, &root).await;
    let core = root.join("src/core/schema.prisma");
    let text = std::fs::read_to_string(&core).unwrap();
    let at = pos(&text, "Project {");

    let refs = client
        .request(
            "textDocument/references",
            json!({"textDocument": {"uri": uri(&core)}, "position": at, "context": {"includeDeclaration": true}}),
        )
        .await;
    let files: Vec<&str> = refs["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    assert!(
        files.iter().any(|u| u.ends_with("src/lims/schema.prisma")),
        "{files:?}"
    );
    assert!(
        files.iter().any(|u| u.ends_with("src/core/schema.prisma")),
        "{files:?}"
    );

    let prepared = client
        .request(
            "textDocument/prepareRename",
            json!({"textDocument": {"uri": uri(&core)}, "position": at}),
        )
        .await;
    assert_eq!(prepared["result"]["start"], at);

    // A name that is taken is refused.
    let refused = client
        .request(
            "textDocument/rename",
            json!({"textDocument": {"uri": uri(&core)}, "position": at, "newName": "User"}),
        )
        .await;
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already declared"),
        "{refused}"
    );

    // A free name renames the model and every field type that names it.
    let renamed = client
        .request(
            "textDocument/rename",
            json!({"textDocument": {"uri": uri(&core)}, "position": at, "newName": "Study"}),
        )
        .await;
    let changes = renamed["result"]["changes"].as_object().unwrap();
    let total: usize = changes.values().map(|v| v.as_array().unwrap().len()).sum();
    assert_eq!(total, refs["result"].as_array().unwrap().len());
    assert!(changes
        .values()
        .flat_map(|v| v.as_array().unwrap())
        .all(|e| e["newText"] == "Study"));

    // Renaming a field also renames it in `fields:`, `references:` and index lists.
    let field_at = pos(&text, "organizationId String");
    let renamed = client
        .request(
            "textDocument/rename",
            json!({"textDocument": {"uri": uri(&core)}, "position": field_at, "newName": "orgId"}),
        )
        .await;
    let edits = renamed["result"]["changes"][uri(&core)]
        .as_array()
        .unwrap()
        .len();
    assert!(
        edits >= 2,
        "the declaration and at least one fields:/@@index use: {renamed}"
    );
}

/// The Markdown of a hover at the first `needle` of `text` (plus `shift`
/// characters), or `None` when the server answers null.
async fn hover(
    client: &mut Client,
    path: &std::path::Path,
    text: &str,
    needle: &str,
    shift: u64,
) -> Option<String> {
    let mut at = pos(text, needle);
    at["character"] = json!(at["character"].as_u64().unwrap() + shift);
    let r = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(path)}, "position": at}),
        )
        .await;
    assert!(r.get("error").is_none(), "{r}");
    r["result"]["contents"]["value"]
        .as_str()
        .map(str::to_string)
}

fn assert_has(value: &str, parts: &[&str]) {
    for part in parts {
        assert!(value.contains(part), "missing {part:?} in hover:\n{value}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_on_models_fields_enums_and_diagnostics() {
    let (_dir, root) = workspace();
    let mut client = Client::start();
    initialize(&mut client, &root).await;
    let lims = root.join("src/lims/schema.prisma");
    let text = std::fs::read_to_string(&lims).unwrap();

    // A model's name: file, module, docs, table and db schema, relations both ways.
    let model = hover(&mut client, &lims, &text, "model Sample {", 7)
        .await
        .expect("hover on a model name");
    assert_has(
        &model,
        &[
            "**model `Sample`**",
            "A sample submitted for testing under a project",
            "declared in `src/lims/schema.prisma` (module `lims`)",
            "table `Sample` in db schema `lims`",
            "**relations out**",
            "- `project` → `Project` (module `core`): `[projectId]` → `[id]`, onDelete: Cascade",
            "- `specimens` → `Specimen[]` (module `lims`): back-relation",
            "**relations in**",
            "- `Specimen.sample` (module `lims`): `[sampleId]` → `[id]`, onDelete: Cascade",
            "- `SampleHistory.sample` (module `lims`): `[sampleId]` → `[id]`, onDelete: Restrict",
            "- `Project.samples` (module `core`): back-relation list",
        ],
    );
    // The qms module points at samples too: relations in cross modules.
    assert!(
        model.contains("`Deviation.sample` (module `qms`)"),
        "{model}"
    );
    // No relation is listed twice, nor in the wrong direction.
    assert_eq!(model.matches("`Specimen.sample`").count(), 1, "{model}");
    let (out, incoming) = model.split_once("**relations in**").unwrap();
    assert!(!out.contains("Specimen.sample"), "{model}");
    assert!(!incoming.contains("`project` →"), "{model}");

    // A reference to a model in another module shows that model.
    let reference = hover(&mut client, &lims, &text, "Project         @relation", 0)
        .await
        .expect("hover on a type reference");
    assert_has(
        &reference,
        &[
            "**model `Project`**",
            "declared in `src/core/schema.prisma` (module `core`)",
            "table `Project` in db schema `core`",
            "- `organization` → `Organization` (module `core`)",
            "- `Sample.project` (module `lims`): `[projectId]` → `[id]`, onDelete: Cascade",
        ],
    );

    // A relation field: type, attributes as written, the relation.
    let field = hover(&mut client, &lims, &text, "project    Project ", 0)
        .await
        .expect("hover on a relation field");
    assert_has(
        &field,
        &[
            "**field `Sample.project`**",
            "- type `Project`: model in module `core`, required",
            "- attributes: `@relation(fields: [projectId], references: [id], onDelete: Cascade)`",
            "- relation to `Project` (module `core`)",
            "- fields `[projectId]` → references `Project.[id]`",
            "- onDelete: Cascade",
            "- onUpdate: not set (Prisma's default: Cascade)",
        ],
    );

    // A scalar field with a doc comment and no attributes, and one with several.
    let scalar = hover(&mut client, &lims, &text, "externalRef String?", 0)
        .await
        .unwrap();
    assert_has(
        &scalar,
        &[
            "**field `Sample.externalRef`**",
            "The client's own reference, printed on the report.",
            "- type `String?`: scalar, optional",
            "- attributes: none",
        ],
    );
    assert!(!scalar.contains("relation to"), "{scalar}");
    let id = hover(&mut client, &lims, &text, "id          String       @id", 0)
        .await
        .unwrap();
    assert_has(&id, &["- attributes: `@id` `@default(uuid())` `@db.Uuid`"]);

    // A back-relation list names the field that holds the key.
    let back = hover(&mut client, &lims, &text, "specimens  Specimen[]", 0)
        .await
        .unwrap();
    assert_has(
        &back,
        &[
            "- type `Specimen[]`: model in module `lims`, a list",
            "- relation to `Specimen` (module `lims`)",
            "- back-relation: the key is `Specimen.sample` (`[sampleId]` → `[id]`, onDelete: Cascade)",
        ],
    );

    // A name inside `fields: [...]` is the field it names.
    let in_list = hover(
        &mut client,
        &lims,
        &text,
        "[projectId], references: [id], onDelete: Cascade)\n  specimens",
        1,
    )
    .await
    .unwrap();
    assert!(
        in_list.starts_with("**field `Sample.projectId`**"),
        "{in_list}"
    );

    // An enum, from a field's type: where, db name, values and users.
    let status = hover(&mut client, &lims, &text, "SampleStatus @default", 0)
        .await
        .unwrap();
    assert_has(
        &status,
        &[
            "**enum `SampleStatus`**",
            "Lifecycle of a sample, from registration to disposal.",
            "declared in `src/lims/schema.prisma` (module `lims`)",
            "db enum `SampleStatus` in db schema `lims`",
            "values: REGISTERED, RECEIVED, IN_PROGRESS, COMPLETED, REJECTED, DISPOSED",
            "**used by**\n- `Sample.status`",
        ],
    );

    // Nothing at all on blank space or a comment.
    assert_eq!(
        hover(&mut client, &lims, &text, "// LIMS module", 3).await,
        None
    );

    // On a diagnostic: the symbol and the rule's explanation.
    let qms = root.join("src/qms/schema.prisma");
    let qms_text = std::fs::read_to_string(&qms).unwrap();
    let diag = hover(&mut client, &qms, &qms_text, "owner     User", 0)
        .await
        .unwrap();
    assert_has(
        &diag,
        &[
            "**field `CapaAction.owner`**",
            "**SL101 missing-relation-index**: relation `CapaAction.owner` to `User` has no index on [ownerId]",
            "Reports a relation whose scalar fields",
        ],
    );
    let rule = schemalint_analysis::rules::ALL_RULES
        .iter()
        .find(|r| r.code == "SL101")
        .unwrap();
    assert_has(&diag, &[&rule.summary(), &format!("({})", rule.url())]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_shows_mapped_tables_default_schemas_and_named_back_relations() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let schema = root.join("prisma/schema.prisma");
    std::fs::create_dir_all(schema.parent().unwrap()).unwrap();
    let text = r#"datasource db {
  provider = "postgresql"
}

/// Someone who writes.
model User {
  id       Int    @id
  written  Post[] @relation("author")
  reviewed Post[] @relation("reviewer")

  @@map("users")
}

model Post {
  id         Int   @id
  authorId   Int
  reviewerId Int?
  author     User  @relation("author", fields: [authorId], references: [id], onUpdate: Restrict)
  reviewer   User? @relation("reviewer", fields: [reviewerId], references: [id])

  @@index([authorId])
  @@index([reviewerId])
}
"#;
    std::fs::write(&schema, text).unwrap();
    let mut client = Client::start();
    initialize(&mut client, &root).await;

    let user = hover(&mut client, &schema, text, "User {", 0)
        .await
        .unwrap();
    assert_has(
        &user,
        &[
            "**model `User`**",
            "Someone who writes.",
            "declared in `prisma/schema.prisma` (module `default`)",
            "table `users` (`@@map`) in db schema default (no `@@schema`)",
            "- `Post.author` (module `default`): \"author\", `[authorId]` → `[id]`, onUpdate: Restrict",
            "- `Post.reviewer` (module `default`): \"reviewer\", `[reviewerId]` → `[id]`",
        ],
    );

    // Each named back-relation finds its own side.
    let reviewed = hover(&mut client, &schema, text, "reviewed Post[]", 0)
        .await
        .unwrap();
    assert_has(
        &reviewed,
        &[
            "- relation to `Post` (module `default`), named \"reviewer\"",
            "- back-relation: the key is `Post.reviewer`",
        ],
    );
    // An optional relation defaults to SetNull; a written onUpdate is shown.
    let reviewer = hover(&mut client, &schema, text, "reviewer   User?", 0)
        .await
        .unwrap();
    assert_has(
        &reviewer,
        &[
            "- type `User?`: model in module `default`, optional",
            "- onDelete: not set (Prisma's default: SetNull)",
        ],
    );
    let author = hover(&mut client, &schema, text, "author     User ", 0)
        .await
        .unwrap();
    assert_has(
        &author,
        &[
            "- onDelete: not set (Prisma's default: Restrict)",
            "- onUpdate: Restrict",
        ],
    );
}

/// The fix-all action costs two parses of the file, and editors ask for
/// code actions whenever the cursor moves. A client that resolves edits on
/// demand gets the action without its edit and resolves it when chosen; the
/// edit it then gets is the one a client without that support gets at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fix_all_is_resolved_on_demand_when_the_client_can() {
    let mut fix_alls = Vec::new();
    for resolves in [false, true] {
        let (_dir, root) = workspace();
        let mut client = Client::start();
        let mut capabilities = json!({"general": {"positionEncodings": ["utf-16"]}});
        if resolves {
            capabilities["textDocument"] =
                json!({"codeAction": {"resolveSupport": {"properties": ["edit"]}}});
        }
        let init = initialize_with(&mut client, &root, capabilities).await;
        assert_eq!(
            init["result"]["capabilities"]["codeActionProvider"]["resolveProvider"],
            true
        );
        let qms = root.join("src/qms/schema.prisma");
        let text = std::fs::read_to_string(&qms).unwrap();
        open(&mut client, &uri(&qms), &text, 1).await;
        client
            .diagnostics_until(&uri(&qms), |p| p["version"] == 1)
            .await;
        let start = json!({"line": 0, "character": 0});
        let actions = client
            .request(
                "textDocument/codeAction",
                json!({
                    "textDocument": {"uri": uri(&qms)},
                    "range": {"start": start, "end": start},
                    "context": {"diagnostics": [], "only": ["source.fixAll"]},
                }),
            )
            .await;
        let action = actions["result"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["kind"] == "source.fixAll.schemalint")
            .unwrap_or_else(|| panic!("{actions}"))
            .clone();
        let action = if resolves {
            assert!(action.get("edit").is_none(), "{action}");
            let resolved = client.request("codeAction/resolve", action).await;
            resolved["result"].clone()
        } else {
            assert!(action.get("data").is_none(), "{action}");
            action
        };
        let edits = &action["edit"]["changes"][uri(&qms)];
        assert_eq!(edits.as_array().map(Vec::len), Some(1), "{action}");
        assert!(
            edits[0]["newText"]
                .as_str()
                .unwrap()
                .contains("@@index([ownerId])"),
            "{action}"
        );
        fix_alls.push(edits.clone());
    }
    assert_eq!(fix_alls[0], fix_alls[1]);
}

/// After a keystroke, the open document's diagnostics go out before those
/// of any other file: the user is looking at it. An edit that also changes
/// another file's findings (here a model declared twice, which SL401 flags
/// in both files) still reaches that file, right after.
#[tokio::test]
async fn the_open_document_is_published_first() {
    let (_dir, root) = workspace();
    let mut client = Client::start();
    initialize(&mut client, &root).await;
    let qms = root.join("src/qms/schema.prisma");
    let core = uri(&root.join("src/core/schema.prisma"));
    let text = std::fs::read_to_string(&qms).unwrap();
    open(&mut client, &uri(&qms), &text, 1).await;
    // The first round covers every file; wait until it has.
    let (qms_uri, core_uri) = (uri(&qms), core.clone());
    client
        .published_until(|latest| latest.contains_key(&qms_uri) && latest.contains_key(&core_uri))
        .await;

    let twice = format!("{text}\nmodel Organization {{\n  id String @id\n}}\n");
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri(&qms), "version": 2},
                "contentChanges": [{"text": twice}],
            }),
        )
        .await;
    // Publishes of the first round may still be on their way (migration
    // files, in no fixed order); the edit's round is told apart by the
    // document's version and by the new finding in the other file.
    let mut order = Vec::new();
    loop {
        let msg = tokio::time::timeout(std::time::Duration::from_secs(20), client.read())
            .await
            .expect("both files are published after the edit");
        if msg["method"] != "textDocument/publishDiagnostics" {
            continue;
        }
        let params = &msg["params"];
        let file = params["uri"].as_str().unwrap();
        if file == qms_uri && params["version"] == 2 {
            order.push("open document");
        }
        if file == core && codes(params).iter().any(|c| c == "SL401") {
            order.push("other file");
            break;
        }
    }
    assert_eq!(order, ["open document", "other file"]);
}
