-- DropIndex
DROP INDEX "lims"."Sample_projectId_status_idx";

-- DropIndex
DROP INDEX "lims"."Sample_externalRef_idx";

-- AlterTable
ALTER TABLE "lims"."Sample" DROP COLUMN "externalRef";
