import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../src/config.ts';

describe('loadConfig', () => {
  it('runs in sandbox mode with no LARK_APP_ID, with the documented defaults', () => {
    const c = loadConfig({});
    expect(c.sandbox).toBe(true);
    expect(c.domain).toBe('https://open.feishu.cn');
    expect(c.eventMode).toBe('webhook');
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBe('file:./data/bot.db');
    expect(c.timezone).toBe('Asia/Shanghai');
    expect(c.secretariatOpenIds).toEqual([]);
  });
  it('accepts a loopback domain and a list of secretariat open_ids', () => {
    const c = loadConfig({ LARK_DOMAIN: 'http://127.0.0.1:4567', SECRETARIAT_OPEN_IDS: 'ou_a, ou_b', LARK_EVENT_MODE: 'ws' });
    expect(c.domain).toBe('http://127.0.0.1:4567');
    expect(c.secretariatOpenIds).toEqual(['ou_a', 'ou_b']);
    expect(c.eventMode).toBe('ws');
  });
  it('reports every bad variable at once, each by name with what is expected', () => {
    let err: unknown;
    try {
      loadConfig({ LARK_DOMAIN: 'http://example.com', LARK_EVENT_MODE: 'poll', PORT: 'eighty', BOT_TIMEZONE: 'Mars/Base', SECRETARIAT_OPEN_IDS: 'bob' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    for (const name of ['LARK_DOMAIN', 'LARK_EVENT_MODE', 'PORT', 'BOT_TIMEZONE', 'SECRETARIAT_OPEN_IDS']) expect(msg).toContain(name);
    expect((err as ConfigError).problems).toHaveLength(5);
    expect(msg).toMatch(/expected .*127\.0\.0\.1/);
  });
  it('with an app id, requires the secret and the verification token', () => {
    expect(() => loadConfig({ LARK_APP_ID: 'cli_1234567890abcdef' })).toThrow(/LARK_APP_SECRET[\s\S]*LARK_VERIFICATION_TOKEN/);
  });
});
