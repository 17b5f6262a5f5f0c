/** Why: the module the worker thread runs (src/worker/host.ts starts it): the bot, with no test hooks. */
import { runWorker } from './thread.ts';

await runWorker();
