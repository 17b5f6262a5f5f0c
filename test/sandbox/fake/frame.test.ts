/** The fake's own pbbp2.Frame codec: it must read what the SDK writes and write what the SDK reads (wire format by hand). */
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, headerMap, FrameDecodeError, type WsFrame } from '../../../src/sandbox/fake/frame.ts';

describe('pbbp2.Frame', () => {
  it('encodes the fields in protobuf wire format', () => {
    const bytes = encodeFrame({ SeqID: 1, LogID: 300, service: 2, method: 1, headers: [{ key: 'type', value: 'ping' }] });
    // field 1 varint 1; field 2 varint 300 (0xac 0x02); field 3 varint 2; field 4 varint 1; field 5 = {1:"type",2:"ping"}
    expect([...bytes]).toEqual([0x08, 1, 0x10, 0xac, 0x02, 0x18, 2, 0x20, 1, 0x2a, 12, 0x0a, 4, ...Buffer.from('type'), 0x12, 4, ...Buffer.from('ping')]);
  });

  it.each<WsFrame>([
    { SeqID: 0, LogID: 0, service: 33554678, method: 0, headers: [{ key: 'type', value: 'pong' }], payload: new TextEncoder().encode('{"PingInterval":120}') },
    { SeqID: 2 ** 40, LogID: 7, service: -1, method: 1, headers: [{ key: 'message_id', value: '消息一' }, { key: 'sum', value: '2' }], payloadEncoding: 'json', payloadType: 'event', LogIDNew: 'x' },
  ])('round-trips a frame (service %#)', (f) => {
    expect(decodeFrame(encodeFrame(f))).toEqual(f);
  });

  it('reads headers as the SDK does (a plain map)', () => {
    const f = decodeFrame(encodeFrame({ SeqID: 0, LogID: 0, service: 1, method: 1, headers: [{ key: 'sum', value: '3' }, { key: 'seq', value: '1' }] }));
    expect(headerMap(f)).toEqual({ sum: '3', seq: '1' });
  });

  it('refuses a truncated frame with a typed error', () => {
    const bytes = encodeFrame({ SeqID: 1, LogID: 1, service: 1, method: 1, headers: [], payload: new Uint8Array(10) });
    expect(() => decodeFrame(bytes.subarray(0, bytes.length - 3))).toThrow(FrameDecodeError);
  });
});
