import { defineConfig, env } from "prisma/config";

// Prisma 7: the connection URL lives here, not in the datasource block.
export default defineConfig({
  schema: "src",
  migrations: {
    path: "prisma/migrations",
  },
  datasource: {
    url: env("DATABASE_URL"),
  },
});
