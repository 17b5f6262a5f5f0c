/** Why: `/export [地区]` (/导出): writes the round's archive (第七条第（六）项) as CSV and XLSX files and uploads them into this chat. */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { kindLabel, latestCampaign, tierLabel, plain } from './inspection-shared.ts';
import { regionInScope } from './results.ts';
import { buildTables, type TableKey } from '../store/export.ts';
import { writeExport } from '../store/export-files.ts';
import { uploadFile } from '../send/files.ts';
import type { CheckKind } from '../domain/rubric.ts';
import type { MessageContext } from '../pipeline/context.ts';

export const args = z
  .array(z.string())
  .max(1, 'args.export_shape')
  .transform((w) => ({ region: w[0] }));

/** Exports are kept in the data folder (DATA_DIR, by default beside the SQLite file), as the association's own archive copy. */
export function exportDir(ctx: MessageContext, stamp: string): string {
  const db = ctx.deps.config.databaseUrl;
  return join(db.includes(':memory:') ? tmpdir() : ctx.deps.config.dataDir, 'exports', stamp);
}

export const exportCommand = defineCommand({
  name: 'export',
  triggers: ['/export', '/导出'],
  summaryKey: 'commands.export',
  roles: ['secretariat', 'regional_admin'],
  args,
  async handle(ctx, a) {
    const campaign = await latestCampaign(ctx, ['OPEN', 'CLOSED', 'ANNOUNCED', 'ARCHIVED']);
    if (!campaign) {
      await ctx.reply(ctx.t('inspection.no_campaign'));
      return;
    }
    const national = (await ctx.services.roles.regionScope(ctx.userId)) === 'all';
    let regionIds: 'all' | number[] = 'all';
    let scopeName = ctx.t('export.national');
    if (!national || a.region) {
      const region = await regionInScope(ctx, a.region);
      if (typeof region === 'string') {
        await ctx.reply(region);
        return;
      }
      regionIds = [region.id];
      scopeName = region.name;
    }
    const tables = await buildTables(
      { prisma: ctx.deps.prisma, results: ctx.services.results, rubrics: ctx.services.rubrics },
      { campaignId: campaign.id, campaignName: campaign.name, tiers: campaign.tiers, regionIds },
      {
        tier: (id) => tierLabel(ctx, id),
        kind: (id) => kindLabel(ctx, id as CheckKind),
        yes: ctx.t('export.yes'),
        no: ctx.t('export.no'),
        pending: ctx.t('export.pending'),
        tie: (rule) => ctx.t(`results.tie.${rule}`),
      },
    );
    const stamp = ctx.deps.clock.now().toISOString().replace(/[-:]/g, '').slice(0, 15);
    const base = `${campaign.id}_${scopeName.replace(/[\\/:*?"<>|\s]/g, '')}_${stamp}`;
    const files = await writeExport(exportDir(ctx, `${base}_${ctx.eventId.slice(-8)}`), tables, {
      header: (key: TableKey) => ctx.t(`export.head.${key}`).split('|'),
      sheet: (key: TableKey) => ctx.t(`export.sheet.${key}`),
      file: (key) => `${ctx.t(`export.file.${key}`)}_${base}`,
    });
    await ctx.audit('results.export', `campaign:${campaign.id}`, null, { scope: regionIds, rows: Object.fromEntries(tables.map((t) => [t.key, t.rows.length])) });
    const counts = Object.fromEntries(tables.map((t) => [t.key, t.rows.length])) as Record<TableKey, number>;
    await ctx.reply(ctx.t('export.done', { campaign: plain(campaign.name, 40), scope: plain(scopeName, 20), ...counts, files: files.length }));
    for (const f of files) {
      const dedupeKey = `export:${ctx.eventId}:${f.name}`;
      // A redelivered event finds the file message already queued and uploads nothing again.
      if (await ctx.deps.prisma.outboxMessage.findUnique({ where: { dedupeKey }, select: { id: true } })) continue;
      let fileKey: string;
      try {
        fileKey = await uploadFile(ctx.deps.lark, f);
      } catch (err) {
        ctx.deps.logger.error({ err, file: f.name }, 'export upload failed');
        await ctx.reply(ctx.t('export.upload_failed', { file: plain(f.name, 80), path: plain(f.path, 200) }));
        return;
      }
      await ctx.deps.sender.enqueue({ op: 'create', receiveIdType: 'chat_id', receiveId: ctx.msg.chatId, msgType: 'file', content: { file_key: fileKey }, dedupeKey });
    }
  },
});
