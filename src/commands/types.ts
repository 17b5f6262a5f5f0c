/** Why: the contract every command file and card-action file fulfils, so the router can find, check and run it. */
import type { z } from 'zod';
import type { CardContext, CardResponse, MessageContext } from '../pipeline/context.ts';

/** A chat command: one file each, with its zod schema for arguments and its handler. */
export interface Command<A = unknown> {
  /** Canonical name, e.g. 'campaign open'. */
  name: string;
  /** What users type: '/campaign open', '/开启评选', '帮助'. Matched against the first words, case-insensitively. */
  triggers: string[];
  /** Key in prompts/zh-CN/messages.yaml for the one-line help entry; its usage text is at `${summaryKey}_usage` when present. */
  summaryKey: string;
  /** Roles allowed to run it; absent means everyone. */
  roles?: readonly string[];
  /** Parses the words after the trigger. */
  args: z.ZodType<A, any>;
  handle(ctx: MessageContext, args: A): Promise<void>;
}

/** A card button/form handler, addressed by `value.a` in the card's callback value. */
export interface CardAction<V = unknown> {
  action: string;
  value: z.ZodType<V, any>;
  handle(ctx: CardContext, value: V): Promise<CardResponse>;
}

export function defineCommand<A>(c: Command<A>): Command<A> {
  return c;
}

export function defineCardAction<V>(c: CardAction<V>): CardAction<V> {
  return c;
}

/** Splits a command line into words, keeping "quoted phrases" and 「中文引号」 together. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|“([^”]*)”|「([^」]*)」|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) out.push(m[1] ?? m[2] ?? m[3] ?? m[4] ?? '');
  return out;
}

/** Splits words into positional arguments and `--flag value` / `key=value` options. */
export function splitOptions(words: string[]): { positional: string[]; options: Record<string, string> } {
  const positional: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const flag = /^(?:--|——)([\w-]+)(?:=(.*))?$/.exec(w);
    if (flag) {
      if (flag[2] !== undefined) options[flag[1]!] = flag[2];
      else if (i + 1 < words.length && !/^(--|——)/.test(words[i + 1]!)) options[flag[1]!] = words[++i]!;
      else options[flag[1]!] = 'true';
      continue;
    }
    const kv = /^([^=＝]+)[=＝](.*)$/.exec(w);
    if (kv) options[kv[1]!] = kv[2]!;
    else positional.push(w);
  }
  return { positional, options };
}
