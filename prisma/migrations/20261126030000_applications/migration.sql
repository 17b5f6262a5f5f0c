-- CreateTable
CREATE TABLE "SpecialCase" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "campaignId" INTEGER NOT NULL,
    "managerOpenId" TEXT NOT NULL,
    "unitName" TEXT NOT NULL,
    "answers" TEXT NOT NULL,
    "failures" TEXT NOT NULL,
    "explanation" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "decidedBy" TEXT,
    "reason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Application" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "campaignId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "tier" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'DRAFT',
    "managerOpenId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "submittedAt" DATETIME,
    "answers" TEXT NOT NULL DEFAULT '{}',
    "verdict" TEXT NOT NULL DEFAULT 'eligible',
    "specialCaseId" INTEGER,
    "checklist" TEXT NOT NULL DEFAULT '{}',
    "progressOutboxId" INTEGER,
    "reviewReason" TEXT
);
INSERT INTO "new_Application" ("campaignId", "createdAt", "id", "managerOpenId", "status", "submittedAt", "tier", "unitId", "updatedAt") SELECT "campaignId", "createdAt", "id", "managerOpenId", "status", "submittedAt", "tier", "unitId", "updatedAt" FROM "Application";
DROP TABLE "Application";
ALTER TABLE "new_Application" RENAME TO "Application";
CREATE INDEX "Application_campaignId_status_idx" ON "Application"("campaignId", "status");
CREATE UNIQUE INDEX "Application_campaignId_unitId_tier_key" ON "Application"("campaignId", "unitId", "tier");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "SpecialCase_status_idx" ON "SpecialCase"("status");

