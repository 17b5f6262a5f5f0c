-- CreateTable
CREATE TABLE "WorkTask" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "campaignId" INTEGER NOT NULL,
    "applicationId" INTEGER,
    "inspectionId" INTEGER,
    "milestone" TEXT NOT NULL,
    "assigneeOpenId" TEXT NOT NULL,
    "clientToken" TEXT NOT NULL,
    "dueOn" TEXT,
    "detail" TEXT NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL DEFAULT 'open',
    "rev" INTEGER NOT NULL DEFAULT 0,
    "guid" TEXT,
    "url" TEXT,
    "createdAt" DATETIME NOT NULL,
    "closedAt" DATETIME,
    "closeReason" TEXT
);

-- CreateTable
CREATE TABLE "SurfaceSetting" (
    "campaignId" INTEGER NOT NULL PRIMARY KEY,
    "tasksEnabled" BOOLEAN NOT NULL DEFAULT true,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Dashboard" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "campaignId" INTEGER NOT NULL,
    "regionId" INTEGER NOT NULL DEFAULT 0,
    "name" TEXT NOT NULL,
    "appToken" TEXT,
    "url" TEXT,
    "defaultTableId" TEXT,
    "applicationsTableId" TEXT,
    "resultsTableId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'creating',
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "readyAt" DATETIME
);

-- CreateTable
CREATE TABLE "DashboardRecord" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "dashboardId" INTEGER NOT NULL,
    "tableKey" TEXT NOT NULL,
    "applicationId" INTEGER NOT NULL,
    "recordId" TEXT,
    "claimOutboxId" INTEGER,
    "hash" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DashboardRecord_dashboardId_fkey" FOREIGN KEY ("dashboardId") REFERENCES "Dashboard" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DashboardViewer" (
    "dashboardId" INTEGER NOT NULL,
    "openId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "linkSentAt" DATETIME,

    PRIMARY KEY ("dashboardId", "openId"),
    CONSTRAINT "DashboardViewer_dashboardId_fkey" FOREIGN KEY ("dashboardId") REFERENCES "Dashboard" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SurfaceRun" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL,
    "note" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "WorkTask_key_key" ON "WorkTask"("key");

-- CreateIndex
CREATE UNIQUE INDEX "WorkTask_clientToken_key" ON "WorkTask"("clientToken");

-- CreateIndex
CREATE INDEX "WorkTask_campaignId_status_idx" ON "WorkTask"("campaignId", "status");

-- CreateIndex
CREATE INDEX "WorkTask_applicationId_idx" ON "WorkTask"("applicationId");

-- CreateIndex
CREATE INDEX "WorkTask_inspectionId_idx" ON "WorkTask"("inspectionId");

-- CreateIndex
CREATE INDEX "WorkTask_assigneeOpenId_status_idx" ON "WorkTask"("assigneeOpenId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Dashboard_campaignId_regionId_key" ON "Dashboard"("campaignId", "regionId");

-- CreateIndex
CREATE UNIQUE INDEX "DashboardRecord_dashboardId_tableKey_applicationId_key" ON "DashboardRecord"("dashboardId", "tableKey", "applicationId");
