/** End-to-end: `/export` writes CSV and XLSX archives, uploads them through the file API, and sends them as file messages. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { candidate, inspectionWorld, RA_BJ, replyText, submittedInspection, tiedField, type World } from '../helpers/inspections.ts';
import { csvCell, toCsv } from '../../src/store/export-files.ts';

let h: Harness;
let w: World;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  w = await inspectionWorld(h, { bai: 1, qian: 2 });
  await tiedField(h, w);
  const sh = await candidate(h, w, { name: '=HYPERLINK("http://x")', region: w.sh });
  await submittedInspection(h, sh, [['1.1.1', 1, '+门楣']]);
});
afterEach(async () => h.close());

/** Minimal RFC 4180 reader for the files the bot wrote (BOM stripped). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\ufeff/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && s[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += c;
  }
  return rows;
}

/** The files of the one export made in this test, by table. */
function exported(h: Harness): Record<string, string> {
  const root = join(h.config.dataDir, 'exports');
  const [dir] = readdirSync(root);
  return Object.fromEntries(readdirSync(join(root, dir!)).map((f) => [f.split('_')[0] + (f.endsWith('.xlsx') ? '.xlsx' : ''), join(root, dir!, f)]));
}

describe('/export', () => {
  it('writes the four tables as CSV and one workbook, uploads all five and sends them as file messages', async () => {
    const out = await say(h, SEC, '/导出');
    expect(replyText(out)).toMatch(/已导出 2026年度评选（全国）：申报 8 条、扣分明细 \d+ 条、排名结果 8 条、审计日志 \d+ 条，共 5 个文件/);

    const uploads = h.fake.calls.filter((c) => c.route === 'files');
    expect(uploads.map((c) => (c.body as { fields: { file_type: string } }).fields.file_type).sort()).toEqual(['stream', 'stream', 'stream', 'stream', 'xls']);
    const fileMessages = h.fake.messagesTo(SEC).filter((m) => m.msg_type === 'file');
    expect(fileMessages).toHaveLength(5);
    const keys = uploads.map((c) => (c.response as { data: { file_key: string } }).data.file_key);
    expect(fileMessages.map((m) => JSON.parse(m.content).file_key).sort()).toEqual([...keys].sort());

    const files = exported(h);
    const sizes = uploads.map((c) => (c.body as { files: { file: { size: number } } }).files.file.size).sort((a, b) => a - b);
    expect(Object.values(files).map((p) => readFileSync(p).length).sort((a, b) => a - b)).toEqual(sizes);

    const results = parseCsv(readFileSync(files['排名结果']!, 'utf8'));
    expect(results[0]).toEqual(['地区', '等级', '名额', '名次', '网点', '会员单位', '总分', '合格', '重大扣分数', '模块一得分', '名额内', '拟推荐', '并列裁决']);
    expect(results.slice(1, 4).map((r) => [r[0], r[3], r[4], r[6], r[11], r[12]])).toEqual([
      ['北京', '1', '甲支行', '995', '是', ''],
      ['北京', '2', '乙支行', '990', '是', '总分高者居前'],
      ['北京', '3', '丙支行', '990', '否', '重大扣分少者居前'],
    ]);
    expect(results.find((r) => r[4] === '庚支行')?.[7]).toBe('待检查');

    const apps = parseCsv(readFileSync(files['申报']!, 'utf8'));
    expect(apps).toHaveLength(9);
    // A unit name that a spreadsheet would run as a formula is neutralised in CSV.
    expect(apps.find((r) => r[4]?.includes('HYPERLINK'))?.[4]).toBe('\'=HYPERLINK("http://x")');
    const scores = parseCsv(readFileSync(files['扣分明细']!, 'utf8'));
    expect(scores.find((r) => r[7] === '5.8')).toEqual(expect.arrayContaining(['甲支行', '现场检查', 'SUBMITTED', 'cbss-2026', '仪容仪表', '15', '5', '着装不统一']));
    const audit = parseCsv(readFileSync(files['审计日志']!, 'utf8'));
    expect(audit.some((r) => r[3] === 'quota.set')).toBe(true);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(files['评选档案.xlsx']!);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['申报', '扣分明细', '排名结果', '审计日志']);
    expect(wb.getWorksheet('排名结果')!.rowCount).toBe(results.length);
    expect(wb.getWorksheet('排名结果')!.getRow(2).getCell(5).value).toBe('甲支行');
    expect(wb.getWorksheet('排名结果')!.getRow(2).getCell(7).value).toBe(995);
    expect(await h.prisma.auditLog.count({ where: { action: 'results.export', actorId: SEC } })).toBe(1);
  });

  it('gives a regional admin their own region only, audit rows included', async () => {
    const out = await say(h, RA_BJ, '/export');
    expect(replyText(out)).toContain('（北京）：申报 7 条');
    const files = exported(h);
    const apps = parseCsv(readFileSync(files['申报']!, 'utf8'));
    expect(apps.slice(1).every((r) => r[2] === '北京')).toBe(true);
    const audit = parseCsv(readFileSync(files['审计日志']!, 'utf8')).slice(1);
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.every((r) => /region:1\b|application:|inspection:/.test(r[4] ?? ''))).toBe(true);
    expect(textOf((await say(h, RA_BJ, '/export 上海'))[0])).toContain('您不是「上海」的地方协会管理员');
  });
});

describe('CSV cells', () => {
  it.each<[string | number | null, string]>([
    ['plain', 'plain'], ['a,b', '"a,b"'], ['say "hi"', '"say ""hi"""'], ['line\nbreak', '"line\nbreak"'],
    ['=1+1', "'=1+1"], ['-2', "'-2"], ['@cmd', "'@cmd"], [-2, '-2'], [null, ''], [9.5, '9.5'],
  ])('%j → %s', (v, expected) => {
    expect(csvCell(v)).toBe(expected);
  });

  it('starts with a BOM and ends rows with CRLF', () => {
    expect(toCsv(['a'], [[1]])).toBe('\ufeffa\r\n1\r\n');
  });
});
