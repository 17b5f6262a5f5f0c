/** Why: the long connection speaks protobuf `pbbp2.Frame`s; the fake encodes them itself, so it checks the SDK's codec rather than reusing it. */
// The schema, as the SDK's generated code (lib/index.js, `pbbp2`) declares it:
//   message Header { required string key = 1; required string value = 2; }
//   message Frame {
//     required uint64 SeqID = 1; required uint64 LogID = 2; required int32 service = 3; required int32 method = 4;
//     repeated Header headers = 5; optional string payload_encoding = 6; optional string payload_type = 7;
//     optional bytes payload = 8; optional string LogIDNew = 9;
//   }
// `method` is 0 for control frames (ping/pong) and 1 for data frames (events and their responses).

export const FRAME_CONTROL = 0;
export const FRAME_DATA = 1;

export interface WsHeader {
  key: string;
  value: string;
}

export interface WsFrame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: WsHeader[];
  payloadEncoding?: string;
  payloadType?: string;
  payload?: Uint8Array;
  LogIDNew?: string;
}

export class FrameDecodeError extends Error {
  constructor(what: string) {
    super(`fake feishu: malformed protobuf frame from the client (${what}); the SDK's pbbp2.Frame.encode should never produce it.`);
    this.name = 'FrameDecodeError';
  }
}

function varint(out: number[], value: number | bigint): void {
  // int32 negatives are sign-extended to 64 bits, as protobuf does.
  let v = BigInt.asUintN(64, BigInt(value));
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}

function tag(out: number[], field: number, wire: number): void {
  varint(out, (field << 3) | wire);
}

function bytes(out: number[], field: number, data: Uint8Array): void {
  tag(out, field, 2);
  varint(out, data.length);
  for (const b of data) out.push(b);
}

const utf8 = (s: string) => new TextEncoder().encode(s);

export function encodeFrame(f: WsFrame): Buffer {
  const out: number[] = [];
  tag(out, 1, 0);
  varint(out, f.SeqID);
  tag(out, 2, 0);
  varint(out, f.LogID);
  tag(out, 3, 0);
  varint(out, f.service);
  tag(out, 4, 0);
  varint(out, f.method);
  for (const h of f.headers) {
    const inner: number[] = [];
    bytes(inner, 1, utf8(h.key));
    bytes(inner, 2, utf8(h.value));
    bytes(out, 5, Uint8Array.from(inner));
  }
  if (f.payloadEncoding !== undefined) bytes(out, 6, utf8(f.payloadEncoding));
  if (f.payloadType !== undefined) bytes(out, 7, utf8(f.payloadType));
  if (f.payload !== undefined) bytes(out, 8, f.payload);
  if (f.LogIDNew !== undefined) bytes(out, 9, utf8(f.LogIDNew));
  return Buffer.from(out);
}

class Reader {
  pos = 0;
  constructor(private readonly buf: Uint8Array, private readonly end = buf.length) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new FrameDecodeError('truncated varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
    }
    throw new FrameDecodeError('varint longer than 10 bytes');
  }

  bytes(): Uint8Array {
    const len = Number(this.varint());
    if (this.pos + len > this.end) throw new FrameDecodeError('length past the end of the frame');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new FrameDecodeError(`unsupported wire type ${wire}`);
  }
}

const text = (b: Uint8Array) => new TextDecoder('utf-8').decode(b);

function decodeHeader(b: Uint8Array): WsHeader {
  const r = new Reader(b);
  const h: WsHeader = { key: '', value: '' };
  while (!r.done) {
    const t = Number(r.varint());
    if (t >>> 3 === 1 && (t & 7) === 2) h.key = text(r.bytes());
    else if (t >>> 3 === 2 && (t & 7) === 2) h.value = text(r.bytes());
    else r.skip(t & 7);
  }
  return h;
}

export function decodeFrame(buf: Uint8Array): WsFrame {
  const r = new Reader(buf);
  const f: WsFrame = { SeqID: 0, LogID: 0, service: 0, method: 0, headers: [] };
  while (!r.done) {
    const t = Number(r.varint());
    const field = t >>> 3;
    const wire = t & 7;
    if (wire === 0 && field >= 1 && field <= 4) {
      const v = r.varint();
      if (field === 1) f.SeqID = Number(v);
      else if (field === 2) f.LogID = Number(v);
      else if (field === 3) f.service = Number(BigInt.asIntN(32, v));
      else f.method = Number(BigInt.asIntN(32, v));
    } else if (wire === 2 && field === 5) f.headers.push(decodeHeader(r.bytes()));
    else if (wire === 2 && field === 6) f.payloadEncoding = text(r.bytes());
    else if (wire === 2 && field === 7) f.payloadType = text(r.bytes());
    else if (wire === 2 && field === 8) f.payload = Uint8Array.from(r.bytes());
    else if (wire === 2 && field === 9) f.LogIDNew = text(r.bytes());
    else r.skip(wire);
  }
  return f;
}

/** A frame's headers as a plain object (later keys win, as the SDK's reduce does). */
export function headerMap(f: WsFrame): Record<string, string> {
  return Object.fromEntries(f.headers.map((h) => [h.key, h.value]));
}
