-- CreateTable
CREATE TABLE "InspectorAffiliation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "openId" TEXT NOT NULL,
    "memberUnitId" INTEGER NOT NULL,
    "recordedBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Inspection" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "applicationId" INTEGER NOT NULL,
    "inspectorOpenId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "rubricId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ASSIGNED',
    "assignedBy" TEXT NOT NULL,
    "assignedAt" DATETIME NOT NULL,
    "submittedAt" DATETIME,
    "recusedAt" DATETIME,
    "recuseReason" TEXT
);

-- CreateTable
CREATE TABLE "InspectionDeduction" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "inspectionId" INTEGER NOT NULL,
    "itemId" TEXT NOT NULL,
    "points" REAL NOT NULL,
    "reason" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "InspectionDeduction_inspectionId_fkey" FOREIGN KEY ("inspectionId") REFERENCES "Inspection" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ResultRound" (
    "campaignId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rubricId" TEXT NOT NULL,
    "chosenBy" TEXT NOT NULL,
    "publishedAt" DATETIME,
    "publishedBy" TEXT,
    "publicityEndsOn" TEXT,
    "publishedList" TEXT,
    "announcedAt" DATETIME,
    "announcedBy" TEXT
);

-- CreateTable
CREATE TABLE "Objection" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "campaignId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "openId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "InspectorAffiliation_openId_memberUnitId_key" ON "InspectorAffiliation"("openId", "memberUnitId");

-- CreateIndex
CREATE INDEX "Inspection_applicationId_status_idx" ON "Inspection"("applicationId", "status");

-- CreateIndex
CREATE INDEX "Inspection_inspectorOpenId_status_idx" ON "Inspection"("inspectorOpenId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "InspectionDeduction_inspectionId_itemId_key" ON "InspectionDeduction"("inspectionId", "itemId");

-- CreateIndex
CREATE INDEX "Objection_campaignId_idx" ON "Objection"("campaignId");

