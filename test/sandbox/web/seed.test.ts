/** The demo data file: checked at load (unknown keys and missing scopes are named), and the example commands per role. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROMPTS_DIR } from '../../../src/prompts/index.ts';
import { asLocalDate } from '../../../src/domain/dates.ts';
import { DemoDataError, hintsFor, loadDemoData } from '../../../src/sandbox/web/seed.ts';

function withFile(edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'demo-'));
  cpSync(join(PROMPTS_DIR, 'sandbox.yaml'), join(dir, 'sandbox.yaml'));
  writeFileSync(join(dir, 'sandbox.yaml'), edit(readFileSync(join(dir, 'sandbox.yaml'), 'utf8')));
  return dir;
}

describe('loadDemoData', () => {
  it('loads the shipped file: every name marked as a demo, a user for every role', () => {
    const d = loadDemoData();
    expect(d.regions).toHaveLength(2);
    expect(d.banks).toHaveLength(3);
    const roles = d.users.flatMap((u) => u.roles.map((r) => r.role));
    expect(new Set(roles)).toEqual(new Set(['secretariat', 'regional_admin', 'member_admin', 'inspector', 'branch_manager']));
    for (const name of [...d.regions.map((r) => r.name), ...d.regions.map((r) => r.chat.name), ...d.banks.map((b) => b.name), ...d.units.map((u) => u.name), ...d.users.map((u) => u.name)]) {
      expect(name).toMatch(/（演示）$/);
    }
  });

  it('names an unknown region or bank key, and a scoped role without its scope', () => {
    const dir = withFile((t) => t.replace('{ name: 陆家嘴支行（演示）, bank: jn', '{ name: 陆家嘴支行（演示）, bank: zz').replace('roles: [{ role: inspector, region: sh }]', 'roles: [{ role: inspector }]'));
    expect(() => loadDemoData(dir)).toThrow(DemoDataError);
    expect(() => loadDemoData(dir)).toThrow(/units\.2\.bank: unknown key "zz"[\s\S]*inspector needs a region/);
  });

  it('refuses a malformed date, naming the field', () => {
    const dir = withFile((t) => t.replace('openedOn: 2014-05-20', 'openedOn: 2014-02-30'));
    expect(() => loadDemoData(dir)).toThrow(/units\.0\.openedOn/);
  });
});

describe('hintsFor', () => {
  it('gives everyone the basics, each role its own commands, and the secretariat a deadline 30 days ahead', () => {
    const d = loadDemoData();
    const sec = d.users.find((u) => u.roles.some((r) => r.role === 'secretariat'));
    const mgr = d.users.find((u) => u.roles.some((r) => r.role === 'branch_manager'));
    const today = asLocalDate('2026-03-02');
    expect(hintsFor(d, sec, today)).toContain('/campaign open 演示评选 --apply-by 2026-04-01');
    expect(hintsFor(d, mgr, today)).toEqual([...d.hints.everyone!, ...d.hints.branch_manager!]);
    expect(hintsFor(d, mgr, today)).not.toContain('/campaign list');
  });
});
