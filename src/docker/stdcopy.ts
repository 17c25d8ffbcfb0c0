// Docker's stdcopy framing (logs and attach of a container without a TTY): an 8-byte header
// [stream, 0, 0, 0, payload size as a big-endian uint32] before each payload. Pure: bytes in, frames out.

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
/** A daemon error inside the stream ("Error grabbing logs: …"). */
export const SYSTEMERR = 3;

const HEADER = 8;

export interface Frame {
  /** The header's first byte: STDOUT, STDERR, SYSTEMERR (anything else is what the sender wrote). */
  stream: number;
  payload: Buffer;
}

/** One frame: the header, then the payload. */
export function encodeFrame(stream: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.writeUInt32BE(0, 0);
  out[0] = stream;
  out.writeUInt32BE(payload.length, 4);
  payload.copy(out, HEADER);
  return out;
}

/** Cuts a multiplexed byte stream into frames, however it was chunked: a frame is held until it is whole. */
export class FrameDecoder {
  private held: Buffer[] = [];
  private heldBytes = 0;

  push(chunk: Buffer): Frame[] {
    // Partial bytes are joined once the frame they start is whole, not on every chunk (a big frame comes
    // in many chunks).
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    const need = this.needed();
    if (need === undefined || this.heldBytes < need) return [];
    let buf = this.held.length === 1 ? chunk : Buffer.concat(this.held, this.heldBytes);
    const frames: Frame[] = [];
    while (buf.length >= HEADER) {
      const end = HEADER + buf.readUInt32BE(4);
      if (buf.length < end) break;
      frames.push({ stream: buf[0] ?? 0, payload: buf.subarray(HEADER, end) });
      buf = buf.subarray(end);
    }
    this.held = buf.length > 0 ? [buf] : [];
    this.heldBytes = buf.length;
    return frames;
  }

  /** Bytes of an incomplete frame held (a stream that ends with some was cut short). */
  get pending(): number {
    return this.heldBytes;
  }

  /** The size of the first held frame with its header, once the header is known. */
  private needed(): number | undefined {
    if (this.heldBytes < HEADER) return undefined;
    const first = this.held[0];
    const header = first && first.length >= HEADER ? first : Buffer.concat(this.held, this.heldBytes);
    return HEADER + header.readUInt32BE(4);
  }
}
