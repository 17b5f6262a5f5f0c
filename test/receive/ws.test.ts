/** WS mode hands the SDK's flattened events to the same intake steps: same filtering, same durable dedupe. */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { envelopeFromFlattened } from '../../src/receive/ws.ts';
import { runSteps } from '../../src/pipeline/intake.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** What the SDK's EventDispatcher passes a handler: `{ ...header, ...event }`. */
function flattened(text: string, chatType: 'p2p' | 'group' = 'p2p') {
  const f = JSON.parse(readFileSync(new URL('../fixtures/feishu/im.message.receive_v1.group.json', import.meta.url), 'utf8'));
  f.event.message.chat_type = chatType;
  f.event.message.content = JSON.stringify({ text });
  f.event.message.mentions = [];
  return { ...f.header, ...f.event };
}

describe('envelopeFromFlattened', () => {
  it('rebuilds header and event from the flattened shape', () => {
    const env = envelopeFromFlattened('im.message.receive_v1', flattened('帮助'));
    expect(env.eventId).toBe('5e3702a84e847582be8db7fb73283c02');
    expect(env.appId).toBe('cli_9f5343c580712544');
    expect(env.event).toHaveProperty('message');
    expect(env.event).not.toHaveProperty('event_id');
  });
});

describe('WS events through the shared steps', () => {
  it('answers once, however often the same event arrives', async () => {
    h = await createHarness();
    const data = flattened('帮助');
    data.sender.sender_id.open_id = 'ou_ws_user';
    h.fake.addUser({ openId: 'ou_ws_user', name: '长连接用户' });
    for (let i = 0; i < 3; i++) {
      const answer = await runSteps(h.app.intake.steps, { source: 'ws', envelope: envelopeFromFlattened('im.message.receive_v1', data) });
      expect(answer.status).toBe(200);
    }
    await h.app.settle();
    expect(await h.prisma.processedEvent.count()).toBe(1);
    // The recorded message id does not exist in the fake, so the reply is refused there; one attempt proves one effect.
    expect(h.fake.calls.filter((c) => c.route === 'reply')).toHaveLength(1);
  });

  it('drops a group message without @bot', async () => {
    h = await createHarness();
    await runSteps(h.app.intake.steps, { source: 'ws', envelope: envelopeFromFlattened('im.message.receive_v1', flattened('帮助', 'group')) });
    await h.app.settle();
    expect(await h.prisma.processedEvent.count()).toBe(0);
  });
});
