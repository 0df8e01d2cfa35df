-- AlterTable
ALTER TABLE "lims"."Analysis" ADD COLUMN     "dueAt" TIMESTAMP(3),
ADD COLUMN     "priority" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Analysis_status_dueAt_idx" ON "lims"."Analysis"("status", "dueAt");
