#!/usr/bin/env python3
"""Writes a synthetic Prisma workspace for benchmarks.

    python3 bench/gen.py OUT --models 10000 [--migrations 1000] [--split 0] [--seed 7]

The workspace is valid for Prisma 7 (the datasource has no `url`; a
`prisma.config.ts` names the schema and migrations). Each model has about ten
fields, one or two relations to earlier models (some indexed, some with
`onDelete: Cascade`) and the back-relations they need; every twentieth model
comes with an enum. `--split N` writes N models per file into a schema
folder instead of one `schema.prisma`. The migrations folder holds
`--migrations` folders of Prisma-style DDL that create the same tables.

The output is deterministic for a given seed, so runs on two machines read
the same bytes.
"""

import argparse
import os
import random
import shutil

NOUNS = [
    "Sample", "Batch", "Instrument", "Assay", "Reagent", "Order", "Invoice",
    "Customer", "Supplier", "Shipment", "Deviation", "Capa", "Audit", "Training",
    "Document", "Specimen", "Result", "Protocol", "Study", "Site",
]
SCALARS = [
    ("String", "TEXT"), ("Int", "INTEGER"), ("Boolean", "BOOLEAN"),
    ("DateTime", "TIMESTAMP(3)"), ("Float", "DOUBLE PRECISION"),
    ("Decimal", "DECIMAL(65,30)"), ("Json", "JSONB"),
]


def model_name(i):
    return f"{NOUNS[i % len(NOUNS)]}{i:05d}"


def table_name(i):
    return f"{NOUNS[i % len(NOUNS)].lower()}_{i:05d}"


def plan(models, seed):
    """Decides every model's scalars and relations before any text is written,
    so back-relations can be placed in their targets."""
    rng = random.Random(seed)
    specs = []
    back = [[] for _ in range(models)]
    for i in range(models):
        scalars = []
        for k in range(rng.randint(4, 6)):
            prisma, sql = SCALARS[rng.randrange(len(SCALARS))]
            scalars.append((f"attr{k}", prisma, sql, rng.random() < 0.3))
        relations = []
        if i > 0:
            for r in range(rng.randint(1, 2)):
                target = rng.randrange(max(0, i - 500), i)
                relations.append({
                    "name": f"r{i}_{r}",
                    "field": f"link{r}",
                    "target": target,
                    "optional": rng.random() < 0.4,
                    "indexed": rng.random() < 0.6,
                    "cascade": rng.random() < 0.3,
                })
                back[target].append((i, f"r{i}_{r}"))
        enum = f"Status{i:05d}" if i % 20 == 0 else None
        specs.append({"scalars": scalars, "relations": relations, "enum": enum,
                      "nullable_audit": rng.random() < 0.05})
    return specs, back


def render_model(i, spec, back):
    name = model_name(i)
    lines = []
    if spec["enum"]:
        lines.append(f"enum {spec['enum']} {{")
        for v in ("DRAFT", "ACTIVE", "ARCHIVED"):
            lines.append(f"  {v}")
        lines.append("}")
        lines.append("")
    lines.append(f"/// {name} is a generated benchmark model.")
    lines.append(f"model {name} {{")
    lines.append("  id        String   @id @default(cuid())")
    for field, prisma, _, optional in spec["scalars"]:
        lines.append(f"  {field} {prisma}{'?' if optional else ''}")
    if spec["enum"]:
        lines.append(f"  status {spec['enum']} @default(DRAFT)")
    for rel in spec["relations"]:
        q = "?" if rel["optional"] else ""
        action = ", onDelete: Cascade" if rel["cascade"] else ""
        lines.append(f"  {rel['field']}Id String{q}")
        lines.append(
            f"  {rel['field']} {model_name(rel['target'])}{q} @relation(\"{rel['name']}\", "
            f"fields: [{rel['field']}Id], references: [id]{action})")
    for child, rel_name in back:
        lines.append(f"  {rel_name}s {model_name(child)}[] @relation(\"{rel_name}\")")
    lines.append(f"  createdAt DateTime{'?' if spec['nullable_audit'] else ''} @default(now())")
    lines.append("  updatedAt DateTime @updatedAt")
    for rel in spec["relations"]:
        if rel["indexed"]:
            lines.append(f"  @@index([{rel['field']}Id])")
    lines.append(f"  @@map(\"{table_name(i)}\")")
    lines.append("}")
    lines.append("")
    return "\n".join(lines) + "\n"


HEADER = """generator client {
  provider = "prisma-client"
  output   = "../generated/prisma"
}

datasource db {
  provider = "postgresql"
}

"""


def render_table(i, spec):
    t = table_name(i)
    cols = ['    "id" TEXT NOT NULL']
    for field, _, sql, optional in spec["scalars"]:
        cols.append(f'    "{field}" {sql}{"" if optional else " NOT NULL"}')
    if spec["enum"]:
        cols.append(f'    "status" "{spec["enum"]}" NOT NULL DEFAULT \'DRAFT\'')
    for rel in spec["relations"]:
        cols.append(f'    "{rel["field"]}Id" TEXT{"" if rel["optional"] else " NOT NULL"}')
    cols.append(f'    "createdAt" TIMESTAMP(3){"" if spec["nullable_audit"] else " NOT NULL"} '
                'DEFAULT CURRENT_TIMESTAMP')
    cols.append('    "updatedAt" TIMESTAMP(3) NOT NULL')
    out = []
    if spec["enum"]:
        out.append(f"-- CreateEnum\nCREATE TYPE \"{spec['enum']}\" AS ENUM "
                   "('DRAFT', 'ACTIVE', 'ARCHIVED');\n")
    out.append(f"-- CreateTable\nCREATE TABLE \"{t}\" (\n" + ",\n".join(cols) +
               f",\n\n    CONSTRAINT \"{t}_pkey\" PRIMARY KEY (\"id\")\n);\n")
    for rel in spec["relations"]:
        if rel["indexed"]:
            col = f'{rel["field"]}Id'
            out.append(f"-- CreateIndex\nCREATE INDEX \"{t}_{col}_idx\" ON \"{t}\"(\"{col}\");\n")
    for rel in spec["relations"]:
        col = f'{rel["field"]}Id'
        on_delete = "CASCADE" if rel["cascade"] else ("SET NULL" if rel["optional"] else "RESTRICT")
        out.append(
            f"-- AddForeignKey\nALTER TABLE \"{t}\" ADD CONSTRAINT \"{t}_{col}_fkey\" "
            f"FOREIGN KEY (\"{col}\") REFERENCES \"{table_name(rel['target'])}\"(\"id\") "
            f"ON DELETE {on_delete} ON UPDATE CASCADE;\n")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--models", type=int, default=1000)
    ap.add_argument("--migrations", type=int, default=None,
                    help="number of migration folders (default: models / 10, at least 1)")
    ap.add_argument("--split", type=int, default=0,
                    help="models per file in a schema folder (default: one file)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    migrations = args.migrations if args.migrations is not None else max(1, args.models // 10)

    specs, back = plan(args.models, args.seed)
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    schema_dir = os.path.join(args.out, "prisma")
    os.makedirs(schema_dir)

    if args.split:
        folder = os.path.join(schema_dir, "schema")
        os.makedirs(folder)
        with open(os.path.join(folder, "main.prisma"), "w") as f:
            f.write(HEADER)
        for start in range(0, args.models, args.split):
            with open(os.path.join(folder, f"part{start // args.split:04d}.prisma"), "w") as f:
                for i in range(start, min(args.models, start + args.split)):
                    f.write(render_model(i, specs[i], back[i]))
        schema = "prisma/schema"
    else:
        with open(os.path.join(schema_dir, "schema.prisma"), "w") as f:
            f.write(HEADER)
            for i in range(args.models):
                f.write(render_model(i, specs[i], back[i]))
        schema = "prisma/schema.prisma"

    with open(os.path.join(args.out, "prisma.config.ts"), "w") as f:
        f.write('import { defineConfig } from "prisma/config";\n\n'
                f'export default defineConfig({{\n  schema: "{schema}",\n'
                '  migrations: { path: "prisma/migrations" },\n});\n')

    mig_root = os.path.join(schema_dir, "migrations")
    os.makedirs(mig_root)
    with open(os.path.join(mig_root, "migration_lock.toml"), "w") as f:
        f.write('provider = "postgresql"\n')
    # Tables go to migrations in order, so foreign keys point at tables that
    # an earlier (or the same) migration created.
    per = -(-args.models // migrations)
    for m in range(migrations):
        chunk = range(m * per, min(args.models, (m + 1) * per))
        d = os.path.join(mig_root, f"2024{m:010d}_step_{m}")
        os.makedirs(d)
        with open(os.path.join(d, "migration.sql"), "w") as f:
            if not chunk:
                f.write(f'-- AlterTable\nALTER TABLE "{table_name(0)}" ADD COLUMN "extra{m}" TEXT;\n')
            for i in chunk:
                f.write(render_table(i, specs[i]))
                f.write("\n")


if __name__ == "__main__":
    main()
