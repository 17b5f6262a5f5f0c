/** Why: scores the rules retrieval against bench/rules-questions.json: top-1, top-3, confident-but-wrong, abstentions, answer time. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { RulesIndex, RulesResult } from '../src/rules/search.ts';
import { BENCH_DIR } from './lib.ts';

const questionSchema = z.object({
  split: z.enum(['dev', 'heldout', 'outside']),
  who: z.enum(['manager', 'regional', 'bank']),
  q: z.string().min(2),
  expect: z.array(z.string()).min(1).nullable(),
});
export type BenchQuestion = z.infer<typeof questionSchema>;

export function loadQuestions(path = join(BENCH_DIR, 'rules-questions.json')): BenchQuestion[] {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { questions: unknown };
  return z.array(questionSchema).parse(raw.questions);
}

export interface SplitScore {
  split: 'dev' | 'heldout' | 'all';
  n: number;
  top1: number;
  top3: number;
  /** Answered as sure (high) but the best passage was not one that answers it. */
  confidentWrong: number;
  lowOrNone: number;
  misses: Array<{ q: string; expect: string[]; got: string[]; confidence: string }>;
}

export interface EvalReport {
  splits: SplitScore[];
  /** Questions the 管理办法 does not answer: how many the bot did not claim to answer. */
  outside: { n: number; abstained: number; claimed: string[] };
}

export function evaluate(ask: (q: string) => RulesResult, questions: BenchQuestion[]): EvalReport {
  const score = (split: SplitScore['split'], qs: BenchQuestion[]): SplitScore => {
    const s: SplitScore = { split, n: qs.length, top1: 0, top3: 0, confidentWrong: 0, lowOrNone: 0, misses: [] };
    for (const x of qs) {
      const r = ask(x.q);
      const exp = x.expect!;
      const hit1 = r.refs[0] !== undefined && exp.includes(r.refs[0]);
      if (hit1) s.top1++;
      if (r.refs.slice(0, 3).some((ref) => exp.includes(ref))) s.top3++;
      if (r.confidence === 'high' && !hit1) s.confidentWrong++;
      if (r.confidence !== 'high') s.lowOrNone++;
      if (!hit1 || r.confidence !== 'high') s.misses.push({ q: x.q, expect: exp, got: r.refs.slice(0, 3), confidence: r.confidence });
    }
    return s;
  };
  const answerable = questions.filter((x) => x.expect);
  const outside = questions.filter((x) => !x.expect);
  const claimed = outside.filter((x) => ask(x.q).confidence === 'high').map((x) => x.q);
  return {
    splits: [score('dev', answerable.filter((x) => x.split === 'dev')), score('heldout', answerable.filter((x) => x.split === 'heldout')), score('all', answerable)],
    outside: { n: outside.length, abstained: outside.length - claimed.length, claimed },
  };
}

export const pct = (a: number, n: number) => (n ? `${((100 * a) / n).toFixed(1)} %` : 'n/a');
