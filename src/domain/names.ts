/**
 * Why: a unit is known by its name, so two names that look the same must be the same name. NFKC folds full-width and
 * compatibility forms; zero-width, bidi and control characters (invisible in Feishu) are removed; spaces are collapsed.
 */

/**
 * Invisible characters that change a string without changing how it looks: zero-width space/joiners, word joiner,
 * BOM, soft hyphen, Mongolian vowel separator, bidi marks, embeddings, overrides and isolates, and the variation
 * selectors (which only pick a glyph variant). Whitespace is handled separately.
 */
const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]|\uDB40[\uDD00-\uDDEF]/g;
/** C0 and C1 controls (tabs and line breaks become spaces first, below). */
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;
/** Every kind of space, including the ideographic space U+3000 (which NFKC already folds) and line/paragraph separators. */
const SPACES = /[\s\u2028\u2029]+/g;

/** The one form of a unit name that is compared and stored: NFKC, then `cleanName`. */
export function normalizeName(input: string): string {
  return cleanName(input.toWellFormed().normalize('NFKC'));
}

/**
 * Invisible and control characters removed and spaces collapsed, without NFKC: for the names of regions and banks,
 * which the secretariat types once and everyone then picks from a list, and whose full-width punctuation （） stays.
 */
export function cleanName(input: string): string {
  return input.toWellFormed().replace(SPACES, ' ').replace(INVISIBLE, '').replace(CONTROL, '').replace(/ +/g, ' ').trim();
}

/** Why a name cannot be used, or null: too short or too long once normalised (counted in characters, not bytes). */
export function nameProblem(normalized: string, o: { min?: number; max?: number } = {}): 'too_short' | 'too_long' | null {
  const n = Array.from(normalized).length;
  if (n < (o.min ?? 2)) return 'too_short';
  if (n > (o.max ?? 60)) return 'too_long';
  return null;
}

/** Whether two names are the same name. */
export function sameName(a: string, b: string): boolean {
  return normalizeName(a) === normalizeName(b);
}
