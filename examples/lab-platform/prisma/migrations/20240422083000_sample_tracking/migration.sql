-- AlterTable
ALTER TABLE "lims"."Sample" ADD COLUMN     "externalRef" TEXT;

-- CreateIndex
CREATE INDEX "Sample_projectId_status_idx" ON "lims"."Sample"("projectId", "status");

-- CreateIndex
CREATE INDEX "Sample_externalRef_idx" ON "lims"."Sample"("externalRef");
