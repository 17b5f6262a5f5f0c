/** Why: the hostile inputs the fault suite throws at every command, dialog and card action, generated from a seed. */
import type { Rng } from './helpers.ts';

/** Markers the injection strings carry; none may reach a rendered card unescaped. */
export const INJECTION_MARKERS = ['**注入粗体', '[注入链接]', '](https://evil.example', '![注入图', '<font', '<a href', '`注入代码`', '~~注入删除~~'];

const SQL = [
  "'; DROP TABLE OutboxMessage; --",
  "Robert'); DROP TABLE \"RoleGrant\";--",
  '" OR ""="',
  "1' OR '1'='1",
  '1; UPDATE RoleGrant SET role=\'secretariat\'',
  "' UNION SELECT appSecret FROM config --",
  '%_%',
  '\\x00\\x1a',
];

const MARKDOWN = [
  '**注入粗体**',
  '[注入链接](https://evil.example/x)',
  '![注入图](https://evil.example/i.png)',
  '<font color="red">注入</font>',
  '<a href="https://evil.example">注入</a>',
  '`注入代码`',
  '~~注入删除~~',
  '# 注入标题',
  '> 引用\n- 列表',
  '| a | b |\n|---|---|',
  '&lt;at id=all&gt;&lt;/at&gt;',
  '{name} {{cycle}} ${process.env.LARK_APP_SECRET}',
  '<script>alert(1)</script>',
];

const MENTIONS = ['<at user_id="all">所有人</at>', '<at id=all></at>', '<AT user_id="all"></AT>', '< at user_id="ou_victim">张三</at>', '@_all', '@所有人', '@_user_1', '@ou_someone_else'];

const ODD = [
  '2026-02-30', '2026-13-01', '0000-00-00', '9999-12-31', '-1', '0', '1e309', 'NaN', 'Infinity', '0x10', '９９', '一百', '3.14159',
  '"未闭合', '“中文引号', '「未闭合', '--', '——', '--apply-by', '--apply-by 2099-13-45', '--tiers ,,,', '--__proto__ x', '--constructor=1',
  'a=b=c', '＝', '__proto__', 'constructor', 'toString', '\u200b', '\u202e反向', '\n\n\n', '\t', ' ', '', '\u0000', '🀄️👨‍👩‍👧‍👦🏳️‍🌈',
];

const RANGES: Array<[number, number]> = [
  [0x20, 0x7e], [0x00, 0x1f], [0x4e00, 0x9fff], [0x3000, 0x303f], [0xff00, 0xffef], [0x0300, 0x036f], [0x0590, 0x06ff],
  [0x2000, 0x206f], [0x1f300, 0x1faff], [0x10000, 0x10ffff], [0xe000, 0xf8ff],
];

/**
 * Random code points from many scripts, controls, combining marks, private use and astral planes. Lone surrogates are
 * left out: Feishu's clients send UTF-8, which cannot carry them. (Were one to arrive as a JSON "\ud800" escape, a
 * handler that passes it to a Prisma query, such as `/region add`, would fail with an internal-error reply: Prisma's
 * query engine refuses such strings. The report of issue 8 names this.)
 */
export function randomUnicode(rng: Rng, len: number): string {
  let out = '';
  for (let i = 0; i < len; i++) {
    const [lo, hi] = rng.pick(RANGES);
    out += String.fromCodePoint(rng.int(lo, hi));
  }
  return out;
}

/** One hostile word or phrase. */
export function hostileAtom(rng: Rng): string {
  switch (rng.int(0, 6)) {
    case 0:
      return randomUnicode(rng, rng.int(1, 120));
    case 1:
      return rng.pick(SQL);
    case 2:
      return rng.pick(MARKDOWN);
    case 3:
      return rng.pick(MENTIONS);
    case 4:
      return rng.pick(ODD);
    case 5:
      return `${rng.pick(MARKDOWN)}${rng.pick(MENTIONS)}${rng.pick(SQL)}`;
    default:
      return randomUnicode(rng, rng.int(1, 8));
  }
}

/** A hostile text: usually a few atoms; 1 in 100 is a 100 kB text. */
export function hostileText(rng: Rng): string {
  if (rng.chance(0.01)) return (rng.pick(MARKDOWN) + rng.pick(MENTIONS) + randomUnicode(rng, 20)).repeat(4000).slice(0, 100_000);
  const n = rng.int(1, 4);
  return Array.from({ length: n }, () => hostileAtom(rng)).join(rng.pick([' ', '  ', '\n', '']));
}

/** A value of a wrong or strange type for a card callback field. */
export function wrongValue(rng: Rng): unknown {
  switch (rng.int(0, 11)) {
    case 0:
      return null;
    case 1:
      return rng.int(-5, 5);
    case 2:
      return 1e308;
    case 3:
      return -0.5;
    case 4:
      return true;
    case 5:
      return [hostileText(rng)];
    case 6:
      return { nested: { deeper: hostileText(rng) } };
    case 7:
      return hostileText(rng);
    case 8:
      return '';
    case 9:
      return 'x'.repeat(100_000);
    case 10:
      return String(rng.int(1, 3));
    default:
      return JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}') as unknown;
  }
}

/** A card callback value: a known action name (or garbage) with fields of the wrong types, sometimes none at all. */
export function hostileCardValue(rng: Rng, actions: readonly string[], knownKeys: readonly string[]): Record<string, unknown> {
  if (rng.chance(0.05)) return JSON.parse('{"__proto__":{"a":"campaign.confirm"}}') as Record<string, unknown>;
  const value: Record<string, unknown> = {};
  const a = rng.int(0, 9);
  value.a = a < 7 ? rng.pick(actions) : a === 7 ? wrongValue(rng) : a === 8 ? `${rng.pick(actions)} ` : hostileText(rng);
  for (const k of knownKeys) if (rng.chance(0.6)) value[k] = rng.chance(0.3) ? String(rng.int(1, 3)) : wrongValue(rng);
  for (let i = rng.int(0, 3); i > 0; i--) value[hostileAtom(rng).slice(0, 20) || 'k'] = wrongValue(rng);
  return value;
}
