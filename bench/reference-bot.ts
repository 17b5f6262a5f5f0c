/** Why: the yardstick: a bot written the way the SDK README shows (EventDispatcher behind adaptExpress, handler awaits its reply). */
// Env: FAKE_URL. IPC: sends {type:'ready', url, pid}. Nothing here is ours: no outbox, no dedupe, no early ack.
// Like the README's express example, the body is parsed by a JSON body parser and the dispatcher answers Feishu
// only after the handler's reply to the chat has returned.
import express from 'express';
import type { AddressInfo } from 'node:net';
import * as lark from '@larksuiteoapi/node-sdk';
import { BENCH_CREDS } from './lib.ts';

const client = new lark.Client({
  appId: BENCH_CREDS.appId,
  appSecret: BENCH_CREDS.appSecret,
  appType: lark.AppType.SelfBuild,
  domain: process.env.FAKE_URL!,
  loggerLevel: lark.LoggerLevel.error,
});

const eventDispatcher = new lark.EventDispatcher({
  encryptKey: BENCH_CREDS.encryptKey,
  verificationToken: BENCH_CREDS.verificationToken,
  loggerLevel: lark.LoggerLevel.error,
}).register({
  'im.message.receive_v1': async (data) => {
    const chatId = data.message.chat_id;
    const res = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, content: JSON.stringify({ text: '您好，请发送“帮助”查看我能做什么。' }), msg_type: 'text' },
    });
    return res;
  },
});

const server = express();
server.use(express.json());
server.use('/lark/events', lark.adaptExpress(eventDispatcher, { autoChallenge: true }));
const http = server.listen(0, '127.0.0.1', () => {
  const port = (http.address() as AddressInfo).port;
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}`, pid: process.pid });
});

const shutdown = () => {
  http.closeAllConnections();
  http.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
process.once('disconnect', shutdown);
