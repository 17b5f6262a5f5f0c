-- Two outbox lanes (src/send/lanes.ts), the /healthz heartbeat row, indexes for retention, and no stored verification token.

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN "lane" TEXT NOT NULL DEFAULT 'fast';

-- Rows written before lanes existed: fan-out (reminders, announcements, publicity, results) goes to the bulk lane.
UPDATE "OutboxMessage" SET "lane" = 'bulk'
WHERE "dedupeKey" LIKE 'reminder:%' OR "dedupeKey" LIKE 'announce:%' OR "dedupeKey" LIKE 'closed:%'
   OR "dedupeKey" LIKE 'publicity:%' OR "dedupeKey" LIKE 'commend:%' OR "dedupeKey" LIKE 'result:%'
   OR "dedupeKey" LIKE 'apply:expired:%';

-- CreateTable
CREATE TABLE "Heartbeat" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL,
    "beats" INTEGER NOT NULL DEFAULT 0
);

-- CreateIndex
CREATE INDEX "ProcessedEvent_receivedAt_idx" ON "ProcessedEvent"("receivedAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_lane_status_idx" ON "OutboxMessage"("lane", "status");

-- CreateIndex
CREATE INDEX "OutboxMessage_createdAt_idx" ON "OutboxMessage"("createdAt");

-- Stored events never keep the verification token (header.token in schema 2.0, token in schema 1.0).
UPDATE "ProcessedEvent" SET "payload" = json_remove("payload", '$.header.token', '$.token')
WHERE json_valid("payload") AND (json_type("payload", '$.header.token') IS NOT NULL OR json_type("payload", '$.token') IS NOT NULL);
