/** Why: Bases (多维表格) as the bitable API answers them: apps, tables, batched records and sharing, with Feishu's limits. */
// From the bitable v1 docs and the SDK's types: an app is created with a blank default table; a table is created with
// its fields (type 1 text, 2 number, 3 single select, 4 multi select, 5 date ms, 7 checkbox, 11 user, 13 phone, 15 url
// {text, link}, …; 19/20/1001–1005 are computed and refuse writes); records are written ≤ 1,000 per batch_create or
// batch_update call (1254104 past that), fields by name (1254045 unknown name), a value of the wrong type is HTTP 400
// 1254015; client_token on batch_create is a UUIDv4 and a repeat answers with the records it first made; an app may hold
// at most 100 tables; the last table cannot be deleted. Unknown app 1254040, table 1254041, record 1254043 (HTTP 200,
// as the record docs list them). Duplicate table name 1254013 and the codes for a bad body or a last-table delete
// (1254001, 1254000) are our picks. drive permission members: type=bitable, member_type openid, perm view|edit|full_access;
// an unknown token or person is 1063001.
import type { FakeBase, FakeTable } from './surface-state.ts';
import { chars, fail, isStr, limit, ok, UUID_V4, type Handler, type SurfaceDeps } from './surface-http.ts';
import type { SurfaceRouteName } from './types.ts';

const WRITABLE = new Set([1, 2, 3, 4, 5, 7, 11, 13, 15, 17, 18, 21, 22, 23]);
const KNOWN = new Set([...WRITABLE, 19, 20, 1001, 1002, 1003, 1004, 1005]);
const MAX_BATCH = 1000;
const MAX_TABLES = 100;
const codeOk = (code: number, msg: string) => fail(200, code, msg);

/** Null, or an error message when `v` cannot be written to a field of `type`. */
function typeError(type: number, name: string, v: unknown): string | null {
  if (v === null) return null;
  if (!WRITABLE.has(type)) return `field "${name}" is computed (type ${type}) and cannot be written`;
  const ok1 =
    type === 1 ? typeof v === 'string' || (Array.isArray(v) && v.every((x) => x && typeof x === 'object' && typeof (x as { text?: unknown }).text === 'string'))
    : type === 2 ? typeof v === 'number' && Number.isFinite(v)
    : type === 3 || type === 13 ? typeof v === 'string'
    : type === 4 ? Array.isArray(v) && v.every((x) => typeof x === 'string')
    : type === 5 ? typeof v === 'number' && Number.isInteger(v)
    : type === 7 ? typeof v === 'boolean'
    : type === 15 ? !!v && typeof v === 'object' && typeof (v as { link?: unknown }).link === 'string'
    : typeof v === 'object';
  return ok1 ? null : `field "${name}" (type ${type}) cannot take ${JSON.stringify(v).slice(0, 60)}`;
}

export function bitableRoutes(d: SurfaceDeps): Partial<Record<SurfaceRouteName, Handler>> {
  const s = d.surfaces;
  const base = (token: string | undefined): FakeBase | undefined => (token ? s.bases.get(token) : undefined);
  const noBase = () => codeOk(1254040, 'BaseTokenNotFound: the app_token is wrong or the Base was deleted');
  /** A write to one table: within the rate window, the Base and the table known; or the answer saying why not. */
  const writeTarget = (req: Parameters<Handler>[0]): { b: FakeBase; t: FakeTable } | { answer: ReturnType<typeof fail> } => {
    const over = limit(d, 'bitable');
    if (over) return { answer: over };
    const b = base(req.params.app_token);
    if (!b) return { answer: noBase() };
    const t = b.tables.find((x) => x.table_id === req.params.table_id);
    return t ? { b, t } : { answer: codeOk(1254041, 'TableIdNotFound') };
  };

  /** Checks every record's fields against the table; null when all can be written. */
  const checkRecords = (t: FakeTable, records: unknown[]): ReturnType<typeof fail> | null => {
    for (const [i, r] of records.entries()) {
      const fields = (r as { fields?: unknown }).fields;
      if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return fail(400, 1254001, `records[${i}].fields must be an object of field name → value`);
      for (const [name, v] of Object.entries(fields)) {
        const f = t.fields.find((x) => x.field_name === name);
        if (!f) return codeOk(1254045, `FieldNameNotFound: records[${i}] names "${name}", which table ${t.name} does not have`);
        const e = typeError(f.type, name, v);
        if (e) return fail(400, 1254015, `records[${i}]: ${e}`);
      }
    }
    return null;
  };

  const createApp: Handler = (_req, body) => {
    const over = limit(d, 'bitable');
    if (over) return over;
    const name = body.name ?? '';
    if (!isStr(name) || chars(name) > 255) return fail(400, 1254001, 'name must be text of at most 255 characters');
    const b = s.newBase(name, isStr(body.time_zone) ? body.time_zone : 'Asia/Shanghai');
    const t = s.newTable(b, '数据表', [{ field_name: '文本', type: 1 }]);
    return ok({ app: { app_token: b.app_token, name: b.name, revision: 1, folder_token: isStr(body.folder_token) ? body.folder_token : '', url: b.url, default_table_id: t.table_id, time_zone: b.time_zone } });
  };

  const createTable: Handler = (req, body) => {
    const over = limit(d, 'bitable');
    if (over) return over;
    const b = base(req.params.app_token);
    if (!b) return noBase();
    const t = (body.table ?? {}) as { name?: unknown; fields?: unknown };
    if (!isStr(t.name) || !t.name.trim() || chars(t.name) > 100) return fail(400, 1254001, 'table.name is required (at most 100 characters)');
    if (b.tables.some((x) => x.name === t.name)) return codeOk(1254013, `TableNameDuplicated: a table named ${t.name} already exists`);
    if (b.tables.length >= MAX_TABLES) return codeOk(1254001, 'a Base holds at most 100 tables and dashboards');
    const fields = t.fields ?? [{ field_name: '文本', type: 1 }];
    if (!Array.isArray(fields) || fields.length === 0) return fail(400, 1254001, 'table.fields must be a non-empty list');
    const names = new Set<string>();
    for (const [i, f] of fields.entries()) {
      const ff = f as { field_name?: unknown; type?: unknown };
      if (!isStr(ff.field_name) || !ff.field_name.trim()) return fail(400, 1254001, `table.fields[${i}].field_name is required`);
      if (typeof ff.type !== 'number' || !KNOWN.has(ff.type)) return fail(400, 1254001, `table.fields[${i}].type ${String(ff.type)} is not a field type`);
      if (names.has(ff.field_name)) return codeOk(1254014, `FieldNameDuplicated: ${ff.field_name}`);
      names.add(ff.field_name);
    }
    const created = s.newTable(b, t.name, fields as Array<{ field_name: string; type: number }>);
    return ok({ table_id: created.table_id, default_view_id: `vew${created.table_id.slice(3, 11)}`, field_id_list: created.fields.map((f) => f.field_id) });
  };

  const listTables: Handler = (req) => {
    const b = base(req.params.app_token);
    if (!b) return noBase();
    return ok({ items: b.tables.map((t) => ({ table_id: t.table_id, revision: t.revision, name: t.name })), has_more: false, total: b.tables.length });
  };

  const deleteTable: Handler = (req) => {
    const target = writeTarget(req);
    if ('answer' in target) return target.answer;
    const { b, t } = target;
    if (b.tables.length === 1) return codeOk(1254000, 'the last table of a Base cannot be deleted');
    b.tables.splice(b.tables.indexOf(t), 1);
    return ok({});
  };

  const records = (mode: 'create' | 'update'): Handler => (req, body) => {
    const target = writeTarget(req);
    if ('answer' in target) return target.answer;
    const { t } = target;
    const token = req.query.client_token;
    if (token !== undefined && !UUID_V4.test(token)) return fail(400, 1254001, 'client_token must be a UUIDv4');
    const key = token ? `records:${mode}:${t.table_id}:${token}` : undefined;
    if (key && s.tokens.has(key)) return { ...ok(s.tokens.get(key)), note: 'client-token-dedupe' };
    const list = body.records;
    if (!Array.isArray(list) || list.length === 0) return fail(400, 1254001, 'records must be a non-empty list');
    if (list.length > MAX_BATCH) return codeOk(1254104, `RecordExceedLimit: at most ${MAX_BATCH} records per call, got ${list.length}`);
    const invalid = checkRecords(t, list);
    if (invalid) return invalid;
    let out: unknown[];
    if (mode === 'create') {
      out = list.map((r) => s.newRecord(t, (r as { fields: Record<string, unknown> }).fields)).map((r) => ({ record_id: r.record_id, fields: r.fields }));
    } else {
      const targets = list.map((r) => t.records.find((x) => x.record_id === (r as { record_id?: unknown }).record_id));
      const missing = targets.findIndex((x) => !x);
      if (missing >= 0) return codeOk(1254043, `RecordIdNotFound: records[${missing}].record_id`);
      out = targets.map((rec, i) => {
        Object.assign(rec!.fields, (list[i] as { fields: Record<string, unknown> }).fields);
        rec!.last_modified_time = s.now();
        return { record_id: rec!.record_id, fields: rec!.fields };
      });
      t.revision++;
    }
    const data = { records: out };
    if (key) s.tokens.set(key, data);
    return ok(data);
  };

  const permission: Handler = (req, body) => {
    const over = limit(d, 'permission');
    if (over) return over;
    if (req.query.type !== 'bitable') return fail(400, 1063001, 'Invalid parameter: type must name the document kind (bitable for a Base)');
    const b = base(req.params.token);
    if (!b) return fail(400, 1063001, 'Invalid parameter: token');
    if (body.member_type !== 'openid' || !isStr(body.member_id) || !d.state.users.has(body.member_id)) return fail(400, 1063001, 'Invalid parameter: member_id');
    const perm = body.perm;
    if (perm !== 'view' && perm !== 'edit' && perm !== 'full_access') return fail(400, 1063001, 'Invalid parameter: perm');
    b.members.set(body.member_id, perm);
    return ok({ member: { member_type: 'openid', member_id: body.member_id, perm, type: 'user' } });
  };

  return {
    base_create: createApp, table_create: createTable, table_list: listTables, table_delete: deleteTable,
    records_create: records('create'), records_update: records('update'), permission_member: permission,
  };
}
