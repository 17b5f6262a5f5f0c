/** Why: a card with an unsupported property fails in real Feishu; the validator must catch it and accept what Feishu accepts. */
import { afterEach, describe, expect, it } from 'vitest';
import { validateCard, describeCardFailure, type FakeFeishu } from '../../../src/sandbox/fake/index.ts';
import { goodCard, httpError, makeFake, sdkClient } from './helpers.ts';

const card = (elements: unknown[], extra: Record<string, unknown> = {}) => ({ schema: '2.0', body: { elements }, ...extra });
const fail = (c: unknown) => {
  const r = validateCard(c);
  if (r.ok) throw new Error('expected the card to be refused');
  return r;
};

const formCard = () =>
  card([
    {
      tag: 'form',
      name: 'vote_form',
      elements: [
        { tag: 'input', name: 'reason', required: true, placeholder: { tag: 'plain_text', content: '理由' }, max_length: 200, label: { tag: 'plain_text', content: '理由' } },
        { tag: 'select_static', name: 'grade', required: true, placeholder: { tag: 'plain_text', content: '等级' }, options: [{ text: { tag: 'plain_text', content: 'A' }, value: 'a' }], initial_option: 'a' },
        { tag: 'date_picker', name: 'day', initial_date: '2026-03-02', placeholder: { tag: 'plain_text', content: '日期' } },
        {
          tag: 'column_set', flex_mode: 'none', columns: [
            { tag: 'column', width: 'auto', elements: [
              { tag: 'button', name: 'submit_btn', form_action_type: 'submit', type: 'primary_filled', text: { tag: 'plain_text', content: '提交' },
                behaviors: [{ type: 'callback', value: { action: 'submit_vote' } }], confirm: { title: { tag: 'plain_text', content: '确认？' }, text: { tag: 'plain_text', content: '提交后不可修改' } } },
            ] },
            { tag: 'column', width: 'weighted', weight: 1, elements: [{ tag: 'button', name: 'reset_btn', form_action_type: 'reset', text: { tag: 'plain_text', content: '重置' } }] },
          ],
        },
      ],
    },
  ]);

describe('validateCard (card JSON 2.0)', () => {
  it('accepts a card using every supported component', () => {
    const c = card(
      [
        { tag: 'markdown', content: '**统计**', text_align: 'center', text_size: 'heading', icon: { tag: 'standard_icon', token: 'chat_outlined', color: 'blue' }, margin: '0px 0px 8px 0px', element_id: 'md1' },
        { tag: 'div', text: { tag: 'lark_md', content: '说明' }, fields: [{ is_short: true, text: { tag: 'plain_text', content: 'a' } }] },
        { tag: 'hr' },
        { tag: 'button', text: { tag: 'plain_text', content: '打开' }, size: 'small', width: 'fill', disabled: false, behaviors: [{ type: 'open_url', default_url: 'https://example.com', pc_url: 'https://example.com' }] },
        { tag: 'chart', aspect_ratio: '16:9', color_theme: 'brand', height: 'auto', chart_spec: { type: 'bar', data: { values: [{ x: 'a', y: 1 }] }, xField: 'x', yField: 'y' } },
        { tag: 'collapsible_panel', expanded: false, header: { title: { tag: 'markdown', content: '**更多**' }, icon_position: 'right' }, border: { color: 'grey' }, elements: [{ tag: 'markdown', content: '细节' }] },
      ],
      { config: { update_multi: true, width_mode: 'fill', summary: { content: '摘要' } }, header: { title: { tag: 'plain_text', content: '标题' }, subtitle: { tag: 'plain_text', content: '副' }, template: 'green' }, card_link: { url: 'https://example.com' } },
    );
    expect(validateCard(c)).toEqual({ ok: true });
    expect(validateCard(goodCard())).toEqual({ ok: true });
    expect(validateCard(formCard())).toEqual({ ok: true });
    expect(validateCard(JSON.stringify(formCard()))).toEqual({ ok: true });
  });

  it('rejects an unknown property and names the path', () => {
    const c = goodCard();
    (c.body.elements[1] as Record<string, unknown>).value = { action: 'confirm' }; // JSON 1.0 style: use behaviors
    const r = fail(c);
    expect(r).toMatchObject({ code: 230099, subCode: 11310, path: 'ROOT -> body -> elements -> [1](tag: button) -> value' });
    expect(r.reason).toMatch(/not supported/);
    expect(describeCardFailure(r)).toMatch(/^Failed to create card content, ext=ErrCode: 11310; ErrPath: ROOT -> body -> elements -> \[1\]\(tag: button\) -> value; ErrMsg: /);
    expect(fail(card([{ tag: 'markdown', content: 'x', colour: 'red' }])).path).toBe('ROOT -> body -> elements -> [0](tag: markdown) -> colour');
    expect(fail({ ...card([]), elements: [] }).path).toBe('ROOT -> elements');
    expect(fail(card([{ tag: 'button', text: { tag: 'plain_text', content: 'x' }, behaviors: [{ type: 'callback', value: {}, extra: 1 }] }])).path)
      .toBe('ROOT -> body -> elements -> [0](tag: button) -> behaviors -> [0] -> extra');
    expect(fail(card([], { header: { title: { tag: 'plain_text', content: 't' }, colour: 'x' } })).path).toBe('ROOT -> header -> colour');
  });

  it('rejects JSON 1.0 leftovers, bad values and broken structure', () => {
    expect(fail(card([{ tag: 'action', actions: [] }]))).toMatchObject({ subCode: 200861 });
    expect(fail(card([{ tag: 'note', elements: [] }]))).toMatchObject({ subCode: 200861 });
    expect(fail({ elements: [{ tag: 'markdown', content: 'v1' }] }).path).toBe('ROOT -> elements');
    expect(fail({ body: { elements: [] } }).path).toBe('ROOT -> schema');
    expect(fail(card([], { config: { update_multi: false } })).path).toBe('ROOT -> config -> update_multi');
    expect(fail(card([{ tag: 'button', type: 'huge' }])).path).toBe('ROOT -> body -> elements -> [0](tag: button) -> type');
    expect(fail(card([{ tag: 'markdown' }])).reason).toMatch(/"content" is required/);
    expect(fail(card([{ tag: 'img', img_key: 'k' }])).reason).toMatch(/not modelled/);
    expect(fail('{not json')).toMatchObject({ code: 230099, subCode: 200621 });
    expect(fail(card([{ tag: 'markdown', content: 'a', element_id: '1bad' }])).path).toMatch(/element_id$/);
    expect(fail(card([{ tag: 'markdown', content: 'a', element_id: 'x' }, { tag: 'hr', element_id: 'x' }])).reason).toMatch(/duplicate/);
  });

  it('enforces form rules: name, submit button, root-only, unique names', () => {
    const noName = formCard();
    delete (noName.body.elements[0] as Record<string, unknown[]>).elements![0]!['name' as never];
    expect(fail(noName).reason).toMatch(/name is required inside a form/);
    const noSubmit = card([{ tag: 'form', name: 'f', elements: [{ tag: 'input', name: 'i' }] }]);
    expect(fail(noSubmit).reason).toMatch(/form_action_type.*submit/);
    const nested = card([{ tag: 'collapsible_panel', header: {}, elements: formCard().body.elements }]);
    expect(fail(nested).reason).toMatch(/directly in body.elements/);
    const dup = formCard();
    ((dup.body.elements[0] as { elements: Array<{ name?: string }> }).elements[1]!).name = 'reason';
    expect(fail(dup).reason).toMatch(/name\(reason\) duplicate/);
    expect(fail(card([{ tag: 'button', form_action_type: 'submit', name: 'b' }])).reason).toMatch(/only valid on a button inside a form/);
  });

  it('limits charts to 5, refuses JavaScript in chart_spec, and refuses cards over 30 KB', () => {
    const chart = { tag: 'chart', chart_spec: { type: 'line', data: { values: [] } } };
    expect(validateCard(card(Array(5).fill(chart)))).toEqual({ ok: true });
    expect(fail(card(Array(6).fill(chart)))).toMatchObject({ code: 230099, subCode: 11310, reason: expect.stringMatching(/^card chart number over limit/) });
    expect(fail(card([{ tag: 'chart', chart_spec: { type: 'bar', label: { formatter: 'function (d) { return d }' } } }]))).toMatchObject({ subCode: 200550 });
    expect(fail(card([{ tag: 'chart', chart_spec: { data: [] } }]))).toMatchObject({ subCode: 200550 });
    expect(fail(card([{ tag: 'markdown', content: 'x'.repeat(31 * 1024) }]))).toMatchObject({ code: 230025 });
  });
});

describe('card validation on the Open API', () => {
  let fake: FakeFeishu;
  afterEach(async () => {
    await fake?.close();
  });

  it('answers HTTP 400 / 230099 naming the bad path, creates nothing, and accepts a good card', async () => {
    fake = await makeFake();
    fake.addUser({ openId: 'ou_c', name: 'C' });
    const client = sdkClient(fake);
    const bad = goodCard();
    (bad.body.elements[0] as Record<string, unknown>).colour = 'red';
    const e = await httpError(client.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: 'ou_c', msg_type: 'interactive', content: JSON.stringify(bad) } }));
    expect(e).toMatchObject({ status: 400, code: 230099 });
    expect(e.msg).toContain('ErrPath: ROOT -> body -> elements -> [0](tag: markdown) -> colour');
    expect(fake.messages).toHaveLength(0);
    const ok = await client.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: 'ou_c', msg_type: 'interactive', content: JSON.stringify(goodCard()) } });
    expect(ok.code).toBe(0);
    expect(fake.messages[0]!.card).toEqual(goodCard());
    const p = await httpError(client.im.v1.message.patch({ path: { message_id: ok.data!.message_id! }, data: { content: JSON.stringify(bad) } }));
    expect(p).toMatchObject({ status: 400, code: 230099 });
    expect(fake.messages[0]!.patches).toHaveLength(0);
    fake.setValidateCards(false);
    expect((await client.im.v1.message.patch({ path: { message_id: ok.data!.message_id! }, data: { content: JSON.stringify(bad) } })).code).toBe(0);
  });
});
