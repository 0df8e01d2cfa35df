/*
  Warnings:

  - You are about to drop the column `lastCalibratedAt` on the `Instrument` table. All the data in the column will be lost.

*/
-- AlterTable
ALTER TABLE "lims"."Instrument" DROP COLUMN "lastCalibratedAt";

-- CreateTable
CREATE TABLE "lims"."Calibration" (
    "id" UUID NOT NULL,
    "instrumentId" UUID NOT NULL,
    "performedAt" TIMESTAMP(3) NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "certificateNo" TEXT,
    "performedBy" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Calibration_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Calibration_instrumentId_performedAt_idx" ON "lims"."Calibration"("instrumentId", "performedAt");

-- AddForeignKey
ALTER TABLE "lims"."Calibration" ADD CONSTRAINT "Calibration_instrumentId_fkey" FOREIGN KEY ("instrumentId") REFERENCES "lims"."Instrument"("id") ON DELETE CASCADE ON UPDATE CASCADE;
