/** Why: the reminder fan-out the bench measures, run inside the bot's worker thread on the real Sender (bench/worker-entry.ts). */
import type { App } from '../src/app.ts';

export interface FanoutResult {
  type: 'fanout-done';
  messages: number;
  /** From the first enqueue to the moment the outbox was empty, ms. */
  elapsedMs: number;
  enqueueMs: number;
  /** From the first enqueue to the last sentAt recorded in the outbox, ms. */
  lastSentMs: number;
  stats: { sent: number; rateLimited: number; retried: number; failed: number };
  outbox: Record<string, number>;
  rssIdleMb: number;
  rssAfterMb: number;
  heapAfterMb: number;
}

const mb = (n: number) => n / 1024 / 1024;

/** One reminder per recipient, keyed so that a repeat (or a restart) never sends twice, in the bulk lane; waits until sent. */
export async function fanoutJob(app: App, users: string[], chats: string[]): Promise<FanoutResult> {
  const { prisma } = app.deps;
  const rssIdleMb = mb(process.memoryUsage().rss);
  const text = '【提醒】示范单位申报材料将于 3 月 31 日截止，请尽快在系统中提交。';
  const t0 = performance.now();
  const wall0 = Date.now();
  for (const openId of users) {
    await app.sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: openId, msgType: 'text', content: { text }, dedupeKey: `bench:remind:${openId}`, lane: 'bulk' });
  }
  for (const chatId of chats) {
    await app.sender.enqueue({ op: 'create', receiveIdType: 'chat_id', receiveId: chatId, msgType: 'text', content: { text }, dedupeKey: `bench:remind:${chatId}`, lane: 'bulk' });
  }
  const enqueueMs = performance.now() - t0;
  for (;;) {
    await app.settle();
    const open = await prisma.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] }, lane: 'bulk' } });
    if (open === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const elapsedMs = performance.now() - t0;
  const groups = await prisma.outboxMessage.groupBy({ by: ['status'], where: { lane: 'bulk' }, _count: { _all: true } });
  const last = await prisma.outboxMessage.aggregate({ where: { lane: 'bulk' }, _max: { sentAt: true } });
  const mem = process.memoryUsage();
  return {
    type: 'fanout-done',
    messages: users.length + chats.length,
    elapsedMs,
    enqueueMs,
    lastSentMs: last._max.sentAt ? last._max.sentAt.getTime() - wall0 : NaN,
    stats: { ...app.sender.stats },
    outbox: Object.fromEntries(groups.map((g) => [g.status, g._count._all])),
    rssIdleMb,
    rssAfterMb: mb(mem.rss),
    heapAfterMb: mb(mem.heapUsed),
  };
}
