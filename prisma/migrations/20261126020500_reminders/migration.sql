-- CreateTable
CREATE TABLE "ReminderSchedulerState" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "lastTickAt" DATETIME,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "pausedBy" TEXT,
    "pausedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ReminderMute" (
    "openId" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL
);

