import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadConfig, ConfigError, CONFIG_VARIABLES } from '../src/config.ts';

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
    expect.assertions(8);
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
  it.each([
    [{}, { tasks: true, urgent: true, dashboard: true }],
    [{ TASKS_ENABLED: 'false', URGENT_ENABLED: 'off', DASHBOARD_ENABLED: '0' }, { tasks: false, urgent: false, dashboard: false }],
    [{ TASKS_ENABLED: 'ON', URGENT_ENABLED: '1', DASHBOARD_ENABLED: '' }, { tasks: true, urgent: true, dashboard: true }],
  ])('reads the work-surface switches %j', (env, surfaces) => {
    expect(loadConfig(env).surfaces).toEqual(surfaces);
  });
  it('refuses a switch that is neither on nor off, naming it', () => {
    expect(() => loadConfig({ URGENT_ENABLED: 'sometimes' })).toThrow(/URGENT_ENABLED: expected true or false/);
  });
  it('with an app id, requires the secret and the verification token', () => {
    expect(() => loadConfig({ LARK_APP_ID: 'cli_1234567890abcdef' })).toThrow(/LARK_APP_SECRET[\s\S]*LARK_VERIFICATION_TOKEN/);
  });
  it('reads the load settings with their documented defaults', () => {
    const c = loadConfig({});
    expect(c.http).toEqual({ headersTimeoutMs: 5000, bodyTimeoutMs: 5000, requestTimeoutMs: 10_000 });
    expect(c.health).toEqual({ sendFailures: 5, fastMaxAgeSeconds: 120, bulkMaxAgeSeconds: 3600 });
    expect(c.outboxRetentionDays).toBe(30);
    const d = loadConfig({ HEALTH_SEND_FAILURES: '3', HEALTH_FAST_MAX_AGE_SECONDS: '30', HEALTH_BULK_MAX_AGE_SECONDS: '600', OUTBOX_RETENTION_DAYS: '90' });
    expect(d.health).toEqual({ sendFailures: 3, fastMaxAgeSeconds: 30, bulkMaxAgeSeconds: 600 });
    expect(d.outboxRetentionDays).toBe(90);
    expect(() => loadConfig({ HEALTH_SEND_FAILURES: '0' })).toThrow(/HEALTH_SEND_FAILURES: expected a number of attempts from 1 to 1000, got "0"/);
  });
  it('takes a SQLite file or a PostgreSQL URL, and the multi-instance settings', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://bot@db:5432/sel?schema=bot' }).databaseUrl).toBe('postgresql://bot@db:5432/sel?schema=bot');
    expect(loadConfig({}).multi).toEqual({ primaryPollMs: 2000, outboxPollMs: 1000 });
    expect(loadConfig({ PRIMARY_POLL_MS: '500', OUTBOX_POLL_MS: '200' }).multi).toEqual({ primaryPollMs: 500, outboxPollMs: 200 });
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: expected a SQLite URL such as file:.*or postgresql:\/\//);
    expect(loadConfig({ DATABASE_URL: 'file:/srv/bot/bot.db' }).dataDir).toBe('/srv/bot');
    expect(loadConfig({ DATABASE_URL: 'file:/srv/bot/bot.db', DATA_DIR: '/var/bot' }).dataDir).toBe('/var/bot');
  });
  it('every variable it reads is documented in .env.example', () => {
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const documented = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    expect(CONFIG_VARIABLES.filter((v) => !documented.has(v))).toEqual([]);
  });
});
