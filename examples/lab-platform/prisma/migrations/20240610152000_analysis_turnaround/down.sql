-- DropIndex
DROP INDEX "lims"."Analysis_status_dueAt_idx";

-- AlterTable
ALTER TABLE "lims"."Analysis" DROP COLUMN "dueAt";
