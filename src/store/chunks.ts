/** Why: SQLite (through Prisma's driver adapter) takes at most 999 bound parameters, so long `in` lists are queried in parts. */

/** Query parameters per part: well under SQLite's 999, leaving room for the query's other parameters. */
export const IN_CHUNK = 500;

/** Runs `query` over `ids` in parts of at most IN_CHUNK and concatenates the answers. */
export async function inChunks<T, R>(ids: readonly T[], query: (part: T[]) => Promise<R[]>, size = IN_CHUNK): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < ids.length; i += size) out.push(...(await query(ids.slice(i, i + size))));
  return out;
}

/** Rows per multi-row insert of a table with a handful of columns (rows × columns stays under 999 parameters). */
export const ROWS_PER_INSERT = 120;

/** Consecutive parts of at most `size` items. */
export function partsOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
