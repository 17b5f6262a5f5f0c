-- Several instances on one database (PostgreSQL only; Prisma does not read these columns, the hot-path store does).

-- Events: arrival order across instances (seq), the per-chat queue key the event is ordered by, and the instance
-- working on it; a card callback's inline answer, so a redelivery to another instance gets the same answer.
ALTER TABLE "ProcessedEvent" ADD COLUMN "seq" BIGSERIAL;
ALTER TABLE "ProcessedEvent" ADD COLUMN "queueKey" TEXT;
ALTER TABLE "ProcessedEvent" ADD COLUMN "answer" TEXT;
CREATE INDEX "ProcessedEvent_queueKey_status_seq_idx" ON "ProcessedEvent"("queueKey", "status", "seq");

-- Outbox: the sender's claim on a row (instance id and lease), taken with SELECT … FOR UPDATE SKIP LOCKED.
ALTER TABLE "OutboxMessage" ADD COLUMN "claimedBy" TEXT;
ALTER TABLE "OutboxMessage" ADD COLUMN "claimUntil" TIMESTAMP(3);
CREATE INDEX "OutboxMessage_lane_status_id_idx" ON "OutboxMessage"("lane", "status", "id");
