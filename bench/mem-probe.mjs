/** Why: names where the bot's idle memory goes, by loading its big parts one at a time and reading RSS after each. */
// Runs under plain node on the compiled build, as `npm start` does. Sends {type:'steps', steps:[{step, rssMb}]} over IPC.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
const TMP = join(import.meta.dirname, 'tmp');

const steps = [];
const mark = (step) => {
  globalThis.gc?.();
  steps.push({ step, rssMb: process.memoryUsage().rss / 1024 / 1024 });
};

mark('node');
await import('@larksuiteoapi/node-sdk');
mark('+ @larksuiteoapi/node-sdk');
await import('express');
await import('pino');
await import('zod');
mark('+ express, pino, zod');
const db = await import('../dist/store/db.js');
mkdirSync(TMP, { recursive: true });
const prisma = await db.openDatabase(`file:${join(mkdtempSync(join(TMP, 'mem-')), 'bot.db')}`);
await prisma.processedEvent.count();
mark('+ Prisma client, migrations, first query');
await import('../dist/app.js');
mark('+ the rest of the bot (dist/app.js and its imports)');
await prisma.$disconnect();
process.send?.({ type: 'steps', steps });
process.once('disconnect', () => process.exit(0));
