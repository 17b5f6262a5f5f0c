/** Why: tells a question about the rules ("信托公司能申报吗？") from a dialog answer (是, 2, 2023-05-01) or a checklist word. */

export interface DetectedQuestion {
  /** The question itself (without a "问：" prefix). */
  text: string;
  /** "问：…"-style: the person asked the rules on purpose, so even "nothing found" is answered. */
  explicit: boolean;
}

/** "问：…", "提问：…", "请问：…" (full- or half-width colon). */
const EXPLICIT = /^(?:问|提问|请问|咨询)\s*[:：]\s*([\s\S]+)$/;

/** Ends like a question: ？ ?, or a question particle, before any closing punctuation, spaces or emoji. */
const ENDING = /(?:[?？]|[吗嘛么呢])[\s?？!！。.~～…\p{Extended_Pictographic}\uFE0F]*$/u;

/** Words that make a question wherever they stand. */
const QUESTION_WORDS = /怎么|怎样|如何|能否|能不能|可否|可不可以|可以不|是否|是不是|有没有|要不要|需不需要|会不会|算不算|多少|多久|多长|几年|几个|几家|哪些|哪个|哪里|哪天|什么|为什么|为何|何时|谁/;

/** What these words leave when the question words, particles and punctuation are taken out: the question's content. */
const NOT_CONTENT = new RegExp(`${QUESTION_WORDS.source}|[吗嘛么呢吧啊呀的了请问能可以会要]|[^\\p{Script=Han}\\p{L}\\p{N}]`, 'gu');

/**
 * Dialog answers and checklist words that must never be taken for questions, whatever punctuation they carry:
 * yes/no, numbers and dates, "完成 3", "撤销 2", "备注 3 …".
 */
const NEVER = [
  /^(?:是|否|对|不|不是|不对|好|好的|行|可以|确认|取消|继续|开始|开始申报|申报|资格|提交申报)[\s?？!！。.~吗呢]*$/,
  /^[\d\s\-/.年月日号:：]+[?？]?$/,
  /^(?:完成|撤销|取消完成|备注|勾选|标记)\s*\d/,
  /^[/／]/,
];

/** Question content shorter than this ("可以吗？", "好吗？") is not worth answering from the rules. */
const MIN_CONTENT = 2;

/** The question in a message, or null when the message is not one. */
export function detectQuestion(raw: string): DetectedQuestion | null {
  const text = raw.trim();
  if (!text) return null;
  const explicit = EXPLICIT.exec(text);
  if (explicit) {
    const q = explicit[1]!.trim();
    return Array.from(q.replace(NOT_CONTENT, '')).length >= 1 ? { text: q, explicit: true } : null;
  }
  if (NEVER.some((re) => re.test(text))) return null;
  if (!ENDING.test(text) && !QUESTION_WORDS.test(text)) return null;
  if (Array.from(text.replace(NOT_CONTENT, '')).length < MIN_CONTENT) return null;
  return { text, explicit: false };
}
