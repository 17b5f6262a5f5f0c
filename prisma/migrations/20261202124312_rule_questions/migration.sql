-- CreateTable
CREATE TABLE "RuleQuestion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "messageId" TEXT NOT NULL,
    "askerOpenId" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "result" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ANSWERED',
    "forwardedAt" DATETIME,
    "answer" TEXT,
    "answerRef" TEXT,
    "answeredBy" TEXT,
    "answeredAt" DATETIME,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "RuleEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "questionId" INTEGER,
    "example" TEXT NOT NULL,
    "terms" TEXT NOT NULL DEFAULT '[]',
    "ref" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "removedBy" TEXT,
    "removedAt" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "RuleQuestion_messageId_key" ON "RuleQuestion"("messageId");

-- CreateIndex
CREATE INDEX "RuleQuestion_status_idx" ON "RuleQuestion"("status");

-- CreateIndex
CREATE INDEX "RuleQuestion_askerOpenId_idx" ON "RuleQuestion"("askerOpenId");

-- CreateIndex
CREATE INDEX "RuleEntry_removedAt_idx" ON "RuleEntry"("removedAt");

