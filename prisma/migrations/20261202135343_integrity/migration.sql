-- Issue 11 and issue 12 item 6: special cases bound to their unit and used once; 复选 items; 第十条 terminations;
-- 备案 plan filings; branch managers' claims to a bank.

-- AlterTable
ALTER TABLE "SpecialCase" ADD COLUMN "bankId" INTEGER;
ALTER TABLE "SpecialCase" ADD COLUMN "regionId" INTEGER;
ALTER TABLE "SpecialCase" ADD COLUMN "usedAt" DATETIME;
ALTER TABLE "SpecialCase" ADD COLUMN "applicationId" INTEGER;

-- CreateIndex
CREATE INDEX "SpecialCase_campaignId_managerOpenId_status_idx" ON "SpecialCase"("campaignId", "managerOpenId", "status");

-- AlterTable
ALTER TABLE "ResultRound" ADD COLUMN "recheckStartedAt" DATETIME;
ALTER TABLE "ResultRound" ADD COLUMN "recheckStartedBy" TEXT;

-- CreateTable
CREATE TABLE "RecheckItem" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "campaignId" INTEGER NOT NULL,
    "applicationId" INTEGER NOT NULL,
    "regionId" INTEGER NOT NULL,
    "bankId" INTEGER NOT NULL,
    "unitName" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "bankBy" TEXT,
    "bankReason" TEXT,
    "decidedBy" TEXT,
    "reason" TEXT,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "RecheckItem_campaignId_applicationId_key" ON "RecheckItem"("campaignId", "applicationId");
CREATE INDEX "RecheckItem_campaignId_status_idx" ON "RecheckItem"("campaignId", "status");

-- CreateTable
CREATE TABLE "Termination" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "campaignId" INTEGER NOT NULL,
    "partyType" TEXT NOT NULL,
    "partyId" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "by" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "liftedAt" DATETIME,
    "liftedBy" TEXT
);

-- CreateIndex
CREATE INDEX "Termination_campaignId_partyType_partyId_idx" ON "Termination"("campaignId", "partyType", "partyId");

-- CreateTable
CREATE TABLE "PlanFiling" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "campaignId" INTEGER NOT NULL,
    "partyType" TEXT NOT NULL,
    "partyId" INTEGER NOT NULL,
    "itemId" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "filedBy" TEXT NOT NULL,
    "filedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "PlanFiling_campaignId_partyType_partyId_itemId_key" ON "PlanFiling"("campaignId", "partyType", "partyId", "itemId");

-- CreateTable
CREATE TABLE "ManagerClaim" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "openId" TEXT NOT NULL,
    "bankId" INTEGER NOT NULL,
    "unitName" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "decidedBy" TEXT,
    "createdAt" DATETIME NOT NULL,
    "decidedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "ManagerClaim_openId_bankId_status_idx" ON "ManagerClaim"("openId", "bankId", "status");
