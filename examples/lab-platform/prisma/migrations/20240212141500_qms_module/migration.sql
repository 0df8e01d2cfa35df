-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "qms";

-- CreateEnum
CREATE TYPE "qms"."Severity" AS ENUM ('MINOR', 'MAJOR', 'CRITICAL');

-- CreateEnum
CREATE TYPE "qms"."Status" AS ENUM ('OPEN', 'INVESTIGATING', 'PENDING_CAPA', 'CLOSED');

-- CreateEnum
CREATE TYPE "qms"."CapaKind" AS ENUM ('CORRECTIVE', 'PREVENTIVE');

-- CreateTable
CREATE TABLE "qms"."Sop" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "effectiveFrom" DATE NOT NULL,
    "retiredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Sop_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "qms"."TrainingRecord" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "sopId" UUID NOT NULL,
    "trainedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TrainingRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "qms"."Deviation" (
    "id" UUID NOT NULL,
    "number" TEXT NOT NULL,
    "projectId" UUID NOT NULL,
    "sampleId" UUID,
    "sopId" UUID,
    "reportedById" UUID NOT NULL,
    "ownerId" UUID,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "severity" "qms"."Severity" NOT NULL,
    "status" "qms"."Status" NOT NULL DEFAULT 'OPEN',
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Deviation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "qms"."CapaAction" (
    "id" UUID NOT NULL,
    "deviationId" UUID NOT NULL,
    "ownerId" UUID NOT NULL,
    "kind" "qms"."CapaKind" NOT NULL,
    "description" TEXT NOT NULL,
    "dueDate" DATE NOT NULL,
    "completedAt" TIMESTAMP(3),
    "effective" BOOLEAN,
    "createdBy" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CapaAction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "qms"."DeviationAudit" (
    "id" BIGSERIAL NOT NULL,
    "deviationId" UUID NOT NULL,
    "field" TEXT NOT NULL,
    "oldValue" TEXT,
    "newValue" TEXT,
    "reason" TEXT NOT NULL,
    "changedBy" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeviationAudit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "qms"."Review" (
    "id" UUID NOT NULL,
    "analysisId" UUID,
    "deviationId" UUID,
    "reviewerId" UUID NOT NULL,
    "decision" TEXT NOT NULL,
    "comment" TEXT,
    "signedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Review_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lims"."OosInvestigation" (
    "id" UUID NOT NULL,
    "resultId" UUID NOT NULL,
    "deviationId" UUID,
    "phase" INTEGER NOT NULL DEFAULT 1,
    "rootCause" TEXT,
    "conclusion" TEXT,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "OosInvestigation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Sop_code_revision_key" ON "qms"."Sop"("code", "revision");

-- CreateIndex
CREATE INDEX "TrainingRecord_sopId_idx" ON "qms"."TrainingRecord"("sopId");

-- CreateIndex
CREATE UNIQUE INDEX "TrainingRecord_userId_sopId_key" ON "qms"."TrainingRecord"("userId", "sopId");

-- CreateIndex
CREATE UNIQUE INDEX "Deviation_number_key" ON "qms"."Deviation"("number");

-- CreateIndex
CREATE INDEX "Deviation_projectId_status_idx" ON "qms"."Deviation"("projectId", "status");

-- CreateIndex
CREATE INDEX "Deviation_sampleId_idx" ON "qms"."Deviation"("sampleId");

-- CreateIndex
CREATE INDEX "Deviation_sopId_idx" ON "qms"."Deviation"("sopId");

-- CreateIndex
CREATE INDEX "Deviation_reportedById_idx" ON "qms"."Deviation"("reportedById");

-- CreateIndex
CREATE INDEX "Deviation_ownerId_idx" ON "qms"."Deviation"("ownerId");

-- CreateIndex
CREATE INDEX "CapaAction_deviationId_idx" ON "qms"."CapaAction"("deviationId");

-- CreateIndex
CREATE INDEX "DeviationAudit_deviationId_createdAt_idx" ON "qms"."DeviationAudit"("deviationId", "createdAt");

-- CreateIndex
CREATE INDEX "Review_analysisId_idx" ON "qms"."Review"("analysisId");

-- CreateIndex
CREATE INDEX "Review_deviationId_idx" ON "qms"."Review"("deviationId");

-- CreateIndex
CREATE INDEX "Review_reviewerId_idx" ON "qms"."Review"("reviewerId");

-- CreateIndex
CREATE UNIQUE INDEX "OosInvestigation_resultId_key" ON "lims"."OosInvestigation"("resultId");

-- CreateIndex
CREATE UNIQUE INDEX "OosInvestigation_deviationId_key" ON "lims"."OosInvestigation"("deviationId");

-- AddForeignKey
ALTER TABLE "qms"."TrainingRecord" ADD CONSTRAINT "TrainingRecord_userId_fkey" FOREIGN KEY ("userId") REFERENCES "core"."User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qms"."TrainingRecord" ADD CONSTRAINT "TrainingRecord_sopId_fkey" FOREIGN KEY ("sopId") REFERENCES "qms"."Sop"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qms"."Deviation" ADD CONSTRAINT "Deviation_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "core"."Project"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qms"."Deviation" ADD CONSTRAINT "Deviation_sampleId_fkey" FOREIGN KEY ("sampleId") REFERENCES "lims"."Sample"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qms"."Deviation" ADD CONSTRAINT "Deviation_sopId_fkey" FOREIGN KEY ("sopId") REFERENCES "qms"."Sop"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qms"."Deviation" ADD CONSTRAINT "Deviation_reportedById_fkey" FOREIGN KEY ("reportedById") REFERENCES "core"."User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qms"."Deviation" ADD CONSTRAINT "Deviation_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "core"."User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qms"."CapaAction" ADD CONSTRAINT "CapaAction_deviationId_fkey" FOREIGN KEY ("deviationId") REFERENCES "qms"."Deviation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qms"."CapaAction" ADD CONSTRAINT "CapaAction_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "core"."User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qms"."DeviationAudit" ADD CONSTRAINT "DeviationAudit_deviationId_fkey" FOREIGN KEY ("deviationId") REFERENCES "qms"."Deviation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qms"."Review" ADD CONSTRAINT "Review_analysisId_fkey" FOREIGN KEY ("analysisId") REFERENCES "lims"."Analysis"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qms"."Review" ADD CONSTRAINT "Review_deviationId_fkey" FOREIGN KEY ("deviationId") REFERENCES "qms"."Deviation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "qms"."Review" ADD CONSTRAINT "Review_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "core"."User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lims"."OosInvestigation" ADD CONSTRAINT "OosInvestigation_resultId_fkey" FOREIGN KEY ("resultId") REFERENCES "lims"."Result"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lims"."OosInvestigation" ADD CONSTRAINT "OosInvestigation_deviationId_fkey" FOREIGN KEY ("deviationId") REFERENCES "qms"."Deviation"("id") ON DELETE SET NULL ON UPDATE CASCADE;
