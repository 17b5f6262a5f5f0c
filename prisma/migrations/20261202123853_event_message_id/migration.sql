-- Feishu may redeliver one message under a new event_id: im.message.receive_v1 is also deduplicated on message_id.
-- AlterTable
ALTER TABLE "ProcessedEvent" ADD COLUMN "messageId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "ProcessedEvent_messageId_key" ON "ProcessedEvent"("messageId");
