-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "core";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "lims";

-- CreateEnum
CREATE TYPE "core"."Role" AS ENUM ('OWNER', 'ADMIN', 'ANALYST', 'REVIEWER', 'VIEWER');

-- CreateEnum
CREATE TYPE "lims"."SampleStatus" AS ENUM ('REGISTERED', 'RECEIVED', 'IN_PROGRESS', 'COMPLETED', 'REJECTED', 'DISPOSED');

-- CreateEnum
CREATE TYPE "lims"."AnalysisStatus" AS ENUM ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "lims"."Status" AS ENUM ('ACTIVE', 'OUT_OF_SERVICE', 'RETIRED');

-- CreateTable
CREATE TABLE "core"."Organization" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."User" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "role" "core"."Role" NOT NULL DEFAULT 'ANALYST',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."Membership" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "role" "core"."Role" NOT NULL DEFAULT 'VIEWER',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."Project" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "archivedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Project_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "organizationId" UUID NOT NULL,
    "actorId" UUID,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "payload" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."Attachment" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "uploadedById" UUID NOT NULL,
    "fileName" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "storageKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Attachment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lims"."Instrument" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "serialNumber" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "manufacturer" TEXT,
    "status" "lims"."Status" NOT NULL DEFAULT 'ACTIVE',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3),
    "lastCalibratedAt" TIMESTAMP(3),

    CONSTRAINT "Instrument_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lims"."Method" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "name" TEXT NOT NULL,
    "matrix" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Method_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lims"."Sample" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "barcode" TEXT NOT NULL,
    "matrix" TEXT NOT NULL,
    "status" "lims"."SampleStatus" NOT NULL DEFAULT 'REGISTERED',
    "collectedAt" TIMESTAMP(3),
    "receivedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Sample_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lims"."Specimen" (
    "id" UUID NOT NULL,
    "sampleId" UUID NOT NULL,
    "containerType" TEXT NOT NULL,
    "volumeMl" DECIMAL(10,3),
    "storageLocation" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Specimen_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lims"."Aliquot" (
    "id" UUID NOT NULL,
    "sampleId" UUID NOT NULL,
    "specimenId" UUID NOT NULL,
    "parentId" UUID,
    "label" TEXT NOT NULL,
    "volumeMl" DECIMAL(10,3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Aliquot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lims"."Analysis" (
    "id" UUID NOT NULL,
    "sampleId" UUID NOT NULL,
    "methodId" UUID NOT NULL,
    "instrumentId" UUID,
    "analystId" UUID,
    "status" "lims"."AnalysisStatus" NOT NULL DEFAULT 'PENDING',
    "startedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Analysis_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lims"."Result" (
    "id" UUID NOT NULL,
    "analysisId" UUID NOT NULL,
    "aliquotId" UUID NOT NULL,
    "analyte" TEXT NOT NULL,
    "value" DECIMAL(18,6),
    "textValue" TEXT,
    "unit" TEXT,
    "flag" TEXT,
    "replicate" INTEGER NOT NULL DEFAULT 1,
    "enteredBy" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Result_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lims"."SampleHistory" (
    "id" BIGSERIAL NOT NULL,
    "sampleId" UUID NOT NULL,
    "fromStatus" "lims"."SampleStatus",
    "toStatus" "lims"."SampleStatus" NOT NULL,
    "location" TEXT,
    "note" TEXT,
    "createdBy" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SampleHistory_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Organization_slug_key" ON "core"."Organization"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "core"."User"("email");

-- CreateIndex
CREATE INDEX "User_organizationId_idx" ON "core"."User"("organizationId");

-- CreateIndex
CREATE INDEX "Membership_projectId_idx" ON "core"."Membership"("projectId");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_userId_projectId_key" ON "core"."Membership"("userId", "projectId");

-- CreateIndex
CREATE UNIQUE INDEX "Project_organizationId_code_key" ON "core"."Project"("organizationId", "code");

-- CreateIndex
CREATE INDEX "AuditEvent_organizationId_createdAt_idx" ON "core"."AuditEvent"("organizationId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_idx" ON "core"."AuditEvent"("actorId");

-- CreateIndex
CREATE INDEX "AuditEvent_entityType_entityId_idx" ON "core"."AuditEvent"("entityType", "entityId");

-- CreateIndex
CREATE UNIQUE INDEX "Attachment_storageKey_key" ON "core"."Attachment"("storageKey");

-- CreateIndex
CREATE INDEX "Attachment_projectId_idx" ON "core"."Attachment"("projectId");

-- CreateIndex
CREATE UNIQUE INDEX "Instrument_organizationId_serialNumber_key" ON "lims"."Instrument"("organizationId", "serialNumber");

-- CreateIndex
CREATE UNIQUE INDEX "Method_code_version_key" ON "lims"."Method"("code", "version");

-- CreateIndex
CREATE UNIQUE INDEX "Sample_barcode_key" ON "lims"."Sample"("barcode");

-- CreateIndex
CREATE INDEX "Sample_projectId_idx" ON "lims"."Sample"("projectId");

-- CreateIndex
CREATE INDEX "Specimen_sampleId_idx" ON "lims"."Specimen"("sampleId");

-- CreateIndex
CREATE INDEX "Aliquot_specimenId_idx" ON "lims"."Aliquot"("specimenId");

-- CreateIndex
CREATE INDEX "Aliquot_parentId_idx" ON "lims"."Aliquot"("parentId");

-- CreateIndex
CREATE UNIQUE INDEX "Aliquot_sampleId_label_key" ON "lims"."Aliquot"("sampleId", "label");

-- CreateIndex
CREATE INDEX "Analysis_sampleId_idx" ON "lims"."Analysis"("sampleId");

-- CreateIndex
CREATE INDEX "Analysis_instrumentId_idx" ON "lims"."Analysis"("instrumentId");

-- CreateIndex
CREATE INDEX "Analysis_analystId_idx" ON "lims"."Analysis"("analystId");

-- CreateIndex
CREATE INDEX "Result_aliquotId_idx" ON "lims"."Result"("aliquotId");

-- CreateIndex
CREATE UNIQUE INDEX "Result_analysisId_aliquotId_analyte_replicate_key" ON "lims"."Result"("analysisId", "aliquotId", "analyte", "replicate");

-- CreateIndex
CREATE INDEX "SampleHistory_sampleId_createdAt_idx" ON "lims"."SampleHistory"("sampleId", "createdAt");

-- AddForeignKey
ALTER TABLE "core"."User" ADD CONSTRAINT "User_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "core"."Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "core"."User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."Membership" ADD CONSTRAINT "Membership_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "core"."Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."Project" ADD CONSTRAINT "Project_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "core"."Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."AuditEvent" ADD CONSTRAINT "AuditEvent_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "core"."Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."AuditEvent" ADD CONSTRAINT "AuditEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "core"."User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."Attachment" ADD CONSTRAINT "Attachment_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "core"."Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."Attachment" ADD CONSTRAINT "Attachment_uploadedById_fkey" FOREIGN KEY ("uploadedById") REFERENCES "core"."User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lims"."Instrument" ADD CONSTRAINT "Instrument_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "core"."Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lims"."Sample" ADD CONSTRAINT "Sample_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "core"."Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lims"."Specimen" ADD CONSTRAINT "Specimen_sampleId_fkey" FOREIGN KEY ("sampleId") REFERENCES "lims"."Sample"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lims"."Aliquot" ADD CONSTRAINT "Aliquot_sampleId_fkey" FOREIGN KEY ("sampleId") REFERENCES "lims"."Sample"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lims"."Aliquot" ADD CONSTRAINT "Aliquot_specimenId_fkey" FOREIGN KEY ("specimenId") REFERENCES "lims"."Specimen"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lims"."Aliquot" ADD CONSTRAINT "Aliquot_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "lims"."Aliquot"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lims"."Analysis" ADD CONSTRAINT "Analysis_sampleId_fkey" FOREIGN KEY ("sampleId") REFERENCES "lims"."Sample"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lims"."Analysis" ADD CONSTRAINT "Analysis_methodId_fkey" FOREIGN KEY ("methodId") REFERENCES "lims"."Method"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lims"."Analysis" ADD CONSTRAINT "Analysis_instrumentId_fkey" FOREIGN KEY ("instrumentId") REFERENCES "lims"."Instrument"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lims"."Analysis" ADD CONSTRAINT "Analysis_analystId_fkey" FOREIGN KEY ("analystId") REFERENCES "core"."User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lims"."Result" ADD CONSTRAINT "Result_analysisId_fkey" FOREIGN KEY ("analysisId") REFERENCES "lims"."Analysis"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lims"."Result" ADD CONSTRAINT "Result_aliquotId_fkey" FOREIGN KEY ("aliquotId") REFERENCES "lims"."Aliquot"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lims"."SampleHistory" ADD CONSTRAINT "SampleHistory_sampleId_fkey" FOREIGN KEY ("sampleId") REFERENCES "lims"."Sample"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
