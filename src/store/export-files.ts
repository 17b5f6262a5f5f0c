/** Why: turns the archive tables into files people open in Excel: one CSV per table (UTF-8 with BOM) and one XLSX workbook. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cell, Table } from './export.ts';

export interface ExportFile {
  name: string;
  path: string;
  /** Feishu's im/v1/files `file_type`: `stream` for CSV, `xls` for a workbook. */
  fileType: 'stream' | 'xls';
  bytes: number;
}

/**
 * A CSV field: quoted when it holds a comma, quote or line break; text that a spreadsheet would run as a formula
 * (starting with = + - @, tab or CR) is prefixed with an apostrophe so an archive never executes anything.
 */
export function csvCell(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: readonly string[], rows: readonly Cell[][]): string {
  return '\ufeff' + [header, ...rows].map((r) => r.map((c) => csvCell(c)).join(',')).join('\r\n') + '\r\n';
}

/** One worksheet per table, header row bold and frozen. */
export async function toXlsx(tables: ReadonlyArray<{ sheet: string; header: readonly string[]; rows: readonly Cell[][] }>): Promise<Buffer> {
  // Loaded on first export only: exceljs is large, and most processes never export.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'demo-unit-selection-bot';
  for (const t of tables) {
    const ws = wb.addWorksheet(t.sheet.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.addRow([...t.header]).font = { bold: true };
    // A workbook stores text as text (never as a formula), so cells go in unchanged.
    for (const r of t.rows) ws.addRow([...r]);
    ws.columns.forEach((col) => {
      col.width = 14;
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Writes the CSVs and the workbook into `dir` (created); names come from `names` so they read well in the chat. */
export async function writeExport(
  dir: string,
  tables: readonly Table[],
  labels: { header(key: Table['key']): string[]; sheet(key: Table['key']): string; file(key: Table['key'] | 'workbook'): string },
): Promise<ExportFile[]> {
  mkdirSync(dir, { recursive: true });
  const files: ExportFile[] = [];
  const put = (name: string, data: string | Buffer, fileType: ExportFile['fileType']) => {
    const path = join(dir, name);
    writeFileSync(path, data);
    files.push({ name, path, fileType, bytes: Buffer.byteLength(data) });
  };
  for (const t of tables) put(`${labels.file(t.key)}.csv`, toCsv(labels.header(t.key), t.rows), 'stream');
  const book = await toXlsx(tables.map((t) => ({ sheet: labels.sheet(t.key), header: labels.header(t.key), rows: t.rows })));
  put(`${labels.file('workbook')}.xlsx`, book, 'xls');
  return files;
}
