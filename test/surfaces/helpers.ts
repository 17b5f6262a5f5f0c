/** Why: the work-surface tests share a harness whose fake keeps tokens for years of clock time and can follow virtual pacing. */
import { createHarness, CREDS, type Harness, type HarnessOptions } from '../helpers/harness.ts';
import { createFakeFeishu, type FakeTask } from '../../src/sandbox/fake/index.ts';
import { virtualPace } from '../../src/send/limiter.ts';
import { asLocalDate, zonedDateTime } from '../../src/domain/dates.ts';
import { say } from '../helpers/chat.ts';
import { branchManagers } from '../helpers/setup.ts';

export const TZ = 'Asia/Shanghai';
export const local = (date: string, time = '09:00') => zonedDateTime(asLocalDate(date), time, TZ);

export interface SurfaceHarnessOptions extends HarnessOptions {
  /** Enforce Feishu's rate limits in the fake; its clock then runs on the bot's clock plus the sender's virtual pace. */
  limits?: boolean;
}

/**
 * A harness whose fake reads the harness's clock (plus the sender's virtual pacing when `limits` is on, so "50 a
 * second" is judged on the time the sender waited), with tokens valid for years of clock time.
 */
export async function surfaceHarness(o: SurfaceHarnessOptions = {}): Promise<Harness> {
  const start = new Date(o.clockStart ?? '2026-03-02T02:00:00Z');
  const pace = virtualPace();
  let h: Harness | undefined;
  const fake = await createFakeFeishu({
    ...CREDS,
    clock: { now: () => new Date((h?.clock.now() ?? start).getTime() + (o.limits ? pace.now() : 0)) },
    tokenTtlSeconds: 5 * 366 * 86_400,
    enforceLimits: o.limits ?? false,
  });
  h = await createHarness({ ...o, clockStart: start.toISOString(), fake, pace });
  const close = h.close.bind(h);
  h.close = async () => {
    await close();
    await fake.close();
  };
  return h;
}

/** Every task the fake holds for a person, including completed ones (deleted ones are left out). */
export const tasksOf = (h: Harness, openId: string): FakeTask[] => h.fake.surfaces.tasksOf(openId);

/** All task create calls the bot made (whether or not an answer reached it). */
export const taskCreates = (h: Harness) => h.fake.calls.filter((c) => c.route === 'task_create');

/**
 * Answers the eligibility questions and reaches the checklist by text, as in the application flow tests. The manager is
 * first made the bank's 网点负责人 (applicants are tied to their bank, issue 11); granting twice changes nothing.
 */
export async function applyToChecklist(h: Harness, mgr: string, unit = '示范银行北京分行朝阳支行', tier = '千佳'): Promise<void> {
  await branchManagers(h, [mgr]);
  for (const t of ['申报', '1', '是', '是', '2', '2023年5月1日', '开始申报', unit, '示范银行', '北京', tier]) await say(h, mgr, t);
}
