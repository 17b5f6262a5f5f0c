/** Why: the sandbox page's HTTP surface: the page, its two scripts, and small JSON endpoints that drive the fake like a person would. */
import express, { type NextFunction, type Request, type Response } from 'express';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { daysBetween, localDateSchema, toLocalDate } from '../../domain/dates.ts';
import { ClockBackwardsError } from './clock.ts';
import { hintsFor } from './seed.ts';
import { formatTime } from './timeline.ts';
import { renderPage } from './page.ts';
import type { Sandbox } from './index.ts';
import { surfacesRoutes } from './surfaces.ts';

// The page's static files live beside the source; the compiled build (dist/) serves them from src/ as well.
const ASSETS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'assets').replace(/([\\/])dist([\\/]sandbox)/, '$1src$2');
const ASSETS: Record<string, string> = { 'app.js': 'text/javascript', 'cards.js': 'text/javascript', 'surfaces.js': 'text/javascript', 'style.css': 'text/css' };

const openId = z.string().regex(/^ou_\w{1,64}$/);
const chatId = z.string().regex(/^oc_\w{1,80}$/);
export const sendBody = z.object({ as: openId, chatId, text: z.string().trim().min(1).max(4000), mentionBot: z.boolean().default(false) });
export const actionBody = z.object({
  as: openId,
  messageId: z.string().regex(/^om_\w{1,64}$/),
  value: z.record(z.string(), z.unknown()).default({}),
  formValue: z.record(z.string(), z.unknown()).optional(),
  option: z.string().max(200).optional(),
  inputValue: z.string().max(4000).optional(),
  tag: z.enum(['button', 'select_static', 'date_picker', 'input']).default('button'),
  name: z.string().max(100).optional(),
});
export const clockBody = z.union([z.object({ days: z.number().int().min(1).max(800) }), z.object({ date: localDateSchema })]);

/** A refusal the page shows as is (already in Chinese), with its HTTP status. */
class PageError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function sandboxRouter(sb: Sandbox): express.Router {
  const r = express.Router();
  const t = (key: string, vars?: Record<string, string | number>) => sb.messages.t(key, vars);
  const json = express.json({ limit: '256kb' });
  const user = (id: string) => {
    const u = sb.demo.users.find((x) => x.openId === id);
    if (!u) throw new PageError(404, t('sandbox.errors.unknown_user', { user: id }));
    return u;
  };
  /** The chats a person sees: their p2p chat with the bot, then each group they are in. */
  const chatsOf = (id: string) => {
    const counts = sb.timeline.counts();
    return sb.fake
      .chats()
      .filter((c) => c.members.includes(id) && (c.type === 'group' || c.members[0] === id))
      .sort((a, b) => (a.type === b.type ? 0 : a.type === 'p2p' ? -1 : 1))
      .map((c) => ({ id: c.chatId, type: c.type, name: c.type === 'p2p' ? t('sandbox.p2p_chat') : c.name, members: c.members.length, count: counts[c.chatId] ?? 0 }));
  };
  const inChat = (who: string, chat: string) => {
    if (!chatsOf(who).some((c) => c.id === chat)) throw new PageError(403, t('sandbox.errors.not_in_chat', { user: user(who).name, chat }));
    return sb.fake.chats().find((c) => c.chatId === chat)!;
  };
  /** The sandbox time, and how many calendar days it is ahead of real time. */
  const clockView = () => {
    const now = sb.clock.now();
    const realToday = toLocalDate(new Date(now.getTime() - sb.clock.offsetMs), sb.config.timezone);
    return { now: now.toISOString(), nowText: formatTime(now, sb.config.timezone), today: sb.today(), aheadDays: daysBetween(realToday, sb.today()) };
  };

  // Another site open in the same browser must not drive the sandbox: every POST is JSON (so a cross-origin one needs a
  // CORS preflight, which is never granted) and, when the browser names its origin, from this page's own host.
  r.post('/sandbox/api/*path', (req, _res, next) => {
    const origin = req.get('origin');
    if (!req.is('application/json')) return next(new PageError(415, t('sandbox.errors.bad_request', { problem: 'content-type: application/json' })));
    if (origin && origin !== 'null' && new URL(origin).host !== req.get('host')) return next(new PageError(403, t('sandbox.errors.bad_request', { problem: `origin ${origin}` })));
    next();
  });

  r.get('/sandbox', (_req, res) => {
    res.type('html').set('cache-control', 'no-store').send(renderPage(sb, clockView()));
  });

  r.get('/sandbox/assets/:name', (req, res) => {
    const name = String(req.params.name);
    const type = ASSETS[name];
    if (!type) return void res.status(404).end();
    res.type(type).set('cache-control', 'no-cache').send(readFileSync(join(ASSETS_DIR, name), 'utf8'));
  });

  r.get('/sandbox/api/state', (req, res) => {
    const as = openId.parse(req.query.as);
    const u = user(as);
    const chats = chatsOf(as);
    const wanted = typeof req.query.chat === 'string' ? req.query.chat : '';
    const chat = chats.find((c) => c.id === wanted) ?? chats[0]!;
    // Looking at a chat reads it, as opening it in Feishu does: read_users then lists this person (urgent escalation asks).
    sb.fake.markRead({ chatId: chat.id, openId: as });
    res.set('cache-control', 'no-store').json({
      ...clockView(),
      resettable: sb.resettable,
      user: { openId: u.openId, name: u.name, title: u.title },
      chats,
      chat: chat.id,
      messages: sb.timeline.chat(chat.id),
      hints: hintsFor(sb.demo, u, sb.today()),
    });
  });

  r.post('/sandbox/api/send', json, async (req, res) => {
    const b = sendBody.parse(req.body);
    user(b.as);
    const chat = inChat(b.as, b.chatId);
    const mentionBot = chat.type === 'group' && b.mentionBot;
    const id = `om_${randomBytes(16).toString('hex')}`;
    sb.timeline.addUser({ id, chatId: chat.chatId, from: b.as, text: b.text, mentionBot, at: sb.clock.now() });
    try {
      const d = await sb.fake.deliverMessage({ from: b.as, chatId: chat.chatId, chatType: chat.type, text: b.text, mentionBot, messageId: id });
      const status = d.responses[0]?.status ?? 0;
      if (status !== 200) sb.timeline.fail(id, `HTTP ${status}`);
      res.json({ ok: status === 200, messageId: id, status });
    } catch (err) {
      sb.timeline.fail(id, (err as Error).message);
      throw err;
    }
  });

  r.post('/sandbox/api/action', json, async (req, res) => {
    const b = actionBody.parse(req.body);
    user(b.as);
    const msg = sb.fake.message(b.messageId);
    if (!msg) throw new PageError(404, t('sandbox.errors.unknown_message'));
    inChat(b.as, msg.chat_id);
    const d = await sb.fake.deliverCardAction({
      operator: b.as, messageId: b.messageId, chatId: msg.chat_id, value: b.value, formValue: b.formValue, option: b.option,
      inputValue: b.inputValue, tag: b.tag, name: b.name,
    });
    const toast = (d.body as { toast?: { type?: string; content?: string } } | undefined)?.toast ?? null;
    res.json({ ok: d.status === 200, status: d.status, late: d.responses[0]?.late ?? false, toast, cardApplied: d.cardApplied, cardError: d.cardError ?? null });
  });

  r.post('/sandbox/api/clock', json, async (req, res) => {
    const b = clockBody.parse(req.body);
    const out = await sb.advance(b);
    const nowText = formatTime(out.now, sb.config.timezone);
    res.json({ ...clockView(), ticks: out.ticks, scheduler: out.scheduler, message: t(out.scheduler ? 'sandbox.jumped_tick' : 'sandbox.jumped', { now: nowText }) });
  });

  r.use(surfacesRoutes(sb));

  r.post('/sandbox/api/reset', async (_req, res) => {
    await sb.reset();
    res.json({ ok: true, message: t('sandbox.reset_done'), ...clockView() });
  });

  r.use('/sandbox', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof PageError) return void res.status(err.status).json({ error: err.message });
    if (err instanceof z.ZodError) {
      const problem = err.issues.map((i) => `${i.path.join('.') || '?'}: ${i.message}`).join('; ');
      return void res.status(400).json({ error: t('sandbox.errors.bad_request', { problem }) });
    }
    if (err instanceof ClockBackwardsError) {
      return void res.status(400).json({ error: t('sandbox.errors.past_date', { to: formatTime(err.to, sb.config.timezone), now: formatTime(err.now, sb.config.timezone) }) });
    }
    if ((err as Error).name === 'NotSandboxDatabaseError') return void res.status(409).json({ error: t('sandbox.errors.not_sandbox_db', { path: (err as { path?: string }).path ?? '' }) });
    if (err instanceof RangeError) return void res.status(400).json({ error: t('sandbox.errors.bad_request', { problem: err.message }) });
    const status = (err as { status?: number }).status;
    if (status && status >= 400 && status < 500) return void res.status(status).json({ error: t('sandbox.errors.bad_request', { problem: (err as Error).message }) });
    res.status(500).json({ error: t('sandbox.error', { reason: (err as Error).message }) });
  });
  return r;
}
