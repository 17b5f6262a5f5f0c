/** Why: what a dashboard's tables hold for each application (fields, their types, change hashes, batches) is pure and table-tested. */

import { createHash } from 'node:crypto';

/** Base field types used here (bitable v1): 1 text, 2 number. The first field is the table's primary field. */
export const FIELD_TEXT = 1;
export const FIELD_NUMBER = 2;

/** Feishu's limit for batch_create and batch_update. */
export const MAX_BATCH = 1000;

export type FieldValue = string | number | boolean | null;
export type Fields = Record<string, FieldValue>;

export const APPLICATION_COLUMNS = ['id', 'unit', 'bank', 'region', 'tier', 'status', 'missing', 'missingCount', 'score'] as const;
export const RESULT_COLUMNS = ['id', 'unit', 'region', 'tier', 'total', 'verdict', 'checks', 'standing'] as const;
export type ApplicationColumn = (typeof APPLICATION_COLUMNS)[number];
export type ResultColumn = (typeof RESULT_COLUMNS)[number];

const NUMBER_COLUMNS = new Set<string>(['missingCount', 'score', 'total']);

/** The table's fields in order, named by `names` (the zh-CN labels), with their Base field types. */
export function tableFields<C extends string>(columns: readonly C[], names: Record<C, string>): Array<{ field_name: string; type: number }> {
  return columns.map((c) => ({ field_name: names[c], type: NUMBER_COLUMNS.has(c) ? FIELD_NUMBER : FIELD_TEXT }));
}

export interface ApplicationFacts {
  applicationId: number;
  unitName: string;
  bankName: string;
  regionName: string;
  tierName: string;
  statusName: string;
  /** Required items still missing (empty once complete or submitted). */
  missing: string[];
  /** The combined inspection total once any check is submitted. */
  score: number | null;
}

export interface ResultFacts {
  applicationId: number;
  unitName: string;
  regionName: string;
  tierName: string;
  total: number;
  verdictName: string;
  checksName: string;
  standingName: string;
}

/** The application's row. The application id is the key the bot writes by, so it is the primary field. */
export function applicationFields(f: ApplicationFacts, names: Record<ApplicationColumn, string>): Fields {
  const v: Record<ApplicationColumn, FieldValue> = {
    id: String(f.applicationId), unit: f.unitName, bank: f.bankName, region: f.regionName, tier: f.tierName, status: f.statusName,
    missing: f.missing.join('\n'), missingCount: f.missing.length, score: f.score === null ? null : round(f.score),
  };
  return Object.fromEntries(APPLICATION_COLUMNS.map((c) => [names[c], v[c]]));
}

export function resultFields(f: ResultFacts, names: Record<ResultColumn, string>): Fields {
  const v: Record<ResultColumn, FieldValue> = {
    id: String(f.applicationId), unit: f.unitName, region: f.regionName, tier: f.tierName, total: round(f.total),
    verdict: f.verdictName, checks: f.checksName, standing: f.standingName,
  };
  return Object.fromEntries(RESULT_COLUMNS.map((c) => [names[c], v[c]]));
}

const round = (n: number) => Math.round(n * 100) / 100;

/** A short, stable fingerprint of a row's fields: an unchanged row is not sent again. */
export function fieldsHash(fields: Fields): string {
  return createHash('sha256').update(JSON.stringify(Object.entries(fields))).digest('hex').slice(0, 24);
}

/** Splits a list into consecutive batches of at most `size` (never more than Feishu's 1,000). */
export function batches<T>(items: readonly T[], size = MAX_BATCH): T[][] {
  const n = Math.max(1, Math.min(MAX_BATCH, Math.floor(size)));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}

/** The rows that must be sent: new ones, and those whose fields changed since they were last queued. */
export function changedRows<R extends { applicationId: number; fields: Fields }>(rows: readonly R[], lastHash: ReadonlyMap<number, string>): Array<R & { hash: string }> {
  return rows.map((r) => ({ ...r, hash: fieldsHash(r.fields) })).filter((r) => lastHash.get(r.applicationId) !== r.hash);
}
