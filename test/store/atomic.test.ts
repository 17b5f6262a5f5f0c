/** The unit of work: state, audit and outbox rows commit together or not at all; the drain starts after the commit; refusals are recorded. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capturedLogLines, createHarness, type Harness } from '../helpers/harness.ts';
import { toUser } from '../../src/pipeline/context.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
  h.fake.addUser({ openId: 'ou_a', name: 'A' });
  h.fake.addUser({ openId: 'ou_b', name: 'B' });
});
afterEach(async () => h.close());

describe('Atomic.run', () => {
  it('commits the state, its audit row and its outbox rows together, then sends them', async () => {
    await h.app.deps.atomic.run(async (w) => {
      await w.tx.region.create({ data: { name: '北京', createdAt: w.now } });
      await w.audit('ou_sec', 'region.add', 'region:1', null, { name: '北京' });
      await w.send([toUser('ou_a', '通知甲', 'test:a'), toUser('ou_b', '通知乙', 'test:b')]);
    });
    await h.app.settle();
    expect(await h.prisma.region.count()).toBe(1);
    expect(await h.prisma.auditLog.count({ where: { action: 'region.add' } })).toBe(1);
    expect(h.fake.messagesTo('ou_a')).toHaveLength(1);
    expect(h.fake.messagesTo('ou_b')).toHaveLength(1);
  });

  it('a failure at any point leaves nothing: no state, no audit row, no outbox row, nothing sent', async () => {
    expect.assertions(5);
    try {
      await h.app.deps.atomic.run(async (w) => {
        await w.tx.region.create({ data: { name: '北京', createdAt: w.now } });
        await w.audit('ou_sec', 'region.add', 'region:1', null, { name: '北京' });
        await w.send(toUser('ou_a', '通知甲', 'test:a'));
        throw new Error('crash after the fan-out was written');
      });
    } catch (err) {
      expect((err as Error).message).toContain('crash after the fan-out');
    }
    await h.app.settle();
    expect(await h.prisma.region.count()).toBe(0);
    expect(await h.prisma.auditLog.count({ where: { action: 'region.add' } })).toBe(0);
    expect(await h.prisma.outboxMessage.count()).toBe(0);
    expect(h.fake.messagesTo('ou_a')).toHaveLength(0);
  });

  it('a repeated dedupe key is a no-op, within a batch, across transactions and against the hot-path outbox', async () => {
    const hot = await h.app.sender.enqueue(toUser('ou_b', '热路径', 'test:hot'));
    const [first, again, hotAgain] = await h.app.deps.atomic.run((w) => w.send([toUser('ou_a', '一', 'test:k'), toUser('ou_a', '一', 'test:k'), toUser('ou_b', '热路径', 'test:hot')]));
    expect(first!.duplicate).toBe(false);
    expect(again).toEqual({ ...first, duplicate: true });
    expect(hotAgain).toEqual({ id: hot.id, uuid: hot.uuid, duplicate: true });
    const [later] = await h.app.deps.atomic.run((w) => w.send(toUser('ou_a', '一', 'test:k')));
    expect(later).toEqual({ ...first, duplicate: true });
    await h.app.settle();
    expect(await h.prisma.outboxMessage.count()).toBe(2);
    expect(h.fake.messagesTo('ou_a')).toHaveLength(1);
  });

  it('records a refusal as an audit row (who, what, why) and an info log line', async () => {
    await h.app.deps.atomic.refused({ actorId: 'ou_x', act: 'campaign.open', target: 'campaign:3', refusal: { code: 'role', needRoles: ['secretariat'] } });
    const row = await h.prisma.auditLog.findFirstOrThrow({ where: { action: 'refused' } });
    expect([row.actorId, row.target]).toEqual(['ou_x', 'campaign:3']);
    expect(JSON.parse(row.after!)).toEqual({ act: 'campaign.open', code: 'role', needRoles: ['secretariat'] });
    const line = capturedLogLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'refused' && l.actor === 'ou_x');
    expect(line).toMatchObject({ level: 30, act: 'campaign.open', code: 'role', target: 'campaign:3' });
  });
});
