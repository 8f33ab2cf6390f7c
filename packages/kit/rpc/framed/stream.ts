// The two halves of a connection's byte stream. FrameSplitter cuts incoming bytes into whole
// frames and hands each over only when complete (the prototype's second speed trick), refusing a
// length field over the limit as soon as its four bytes arrive. FrameWriter coalesces frames: it
// gathers a turn's frames back to back in one buffer, where replies are encoded in place, and
// writes them once per event-loop turn (the first trick: one socket.write per tick instead of one
// per frame, 5× the throughput); when socket.write returns false it stops until 'drain', and its
// queue is bounded so callers can fail fast instead. Turn buffers are reused once written, so a
// steady stream of calls allocates none.
import type { Socket } from 'node:net';
import { Code } from '#kit/errors';
import { WireWriter } from '../codec/index.js';
import { MIN_LENGTH, ProtocolError } from './frame.js';

/** Called with a buffer holding one whole frame from `start` (its length field) to `end`. */
export type FrameHandler = (buf: Buffer, start: number, end: number) => void;

export class FrameSplitter {
  private chunks: Buffer[] = [];
  private held = 0;

  constructor(private readonly maxFrameBytes: number, private readonly onFrame: FrameHandler) {}

  /** Throws ProtocolError when the peer announces a frame that is too small or too big. */
  push(chunk: Buffer): void {
    let at = 0;
    if (this.held > 0) {
      // A frame began in an earlier chunk. Take from this one only the bytes that complete it,
      // then join once: a big frame arriving in many chunks is copied once, and the frames after
      // it are read from the chunk in place.
      if (this.held < 4) {
        at = Math.min(4 - this.held, chunk.length);
        this.chunks.push(chunk.subarray(0, at));
        this.held += at;
        if (this.held < 4) return;
      }
      const total = 4 + this.peekLength();
      const need = total - this.held;
      if (chunk.length - at < need) {
        this.chunks.push(at === 0 ? chunk : chunk.subarray(at));
        this.held += chunk.length - at;
        return;
      }
      this.chunks.push(chunk.subarray(at, at + need));
      const frame = Buffer.concat(this.chunks, total);
      this.chunks = [];
      this.held = 0;
      at += need;
      this.onFrame(frame, 0, total);
    }
    while (chunk.length - at >= 4) {
      const length = this.check(chunk.readUInt32BE(at));
      const end = at + 4 + length;
      if (end > chunk.length) break;
      this.onFrame(chunk, at, end);
      at = end;
    }
    if (at < chunk.length) {
      const rest = chunk.subarray(at);
      this.chunks = [rest];
      this.held = rest.length;
    }
  }

  private peekLength(): number {
    const first = this.chunks[0]!;
    const head = first.length >= 4 ? first : Buffer.concat(this.chunks, this.held).subarray(0, 4);
    return this.check(head.readUInt32BE(0));
  }

  private check(length: number): number {
    if (length < MIN_LENGTH) throw new ProtocolError(Code.InvalidArgument, `frame length ${length} is below the minimum ${MIN_LENGTH}`);
    if (length > this.maxFrameBytes) throw new ProtocolError(Code.PayloadTooLarge, `frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes}`);
    return length;
  }
}

/**
 * First size of a turn's buffer: small, so an idle connection holds little. It doubles as a turn
 * needs, and the next turns reuse the grown buffers, so a busy connection stops allocating.
 */
const TURN_BYTES = 1024;
/** A turn buffer up to this size is reused once the socket is done with it; a bigger one is left to the GC. */
const RETAIN_BYTES = 1024 * 1024;

export class FrameWriter {
  /** Frames queued so far; a sender notes this after its frame to learn later whether it was written. */
  pushed = 0;
  /** Frames handed to socket.write so far (the first `written` ones); the rest never reached the socket. */
  written = 0;
  /** This turn's frames, back to back in one buffer: encoded in place, written with one call. */
  private out = new WireWriter(TURN_BYTES);
  /** An earlier turn's buffer the socket has finished with, for the next turn. */
  private spare: Buffer | undefined;
  private scheduled = false;
  private blocked = false;
  private closed = false;
  private ending = false;

  /** onBlocked(true) when the socket refuses more, onBlocked(false) on 'drain' (the server pauses reading meanwhile). */
  constructor(private readonly socket: Socket, private readonly onBlocked?: (blocked: boolean) => void) {}

  /** Bytes not yet taken by the kernel: this queue plus the socket's own buffer. */
  get queuedBytes(): number {
    return this.out.pos + this.socket.writableLength;
  }

  get isBlocked(): boolean {
    return this.blocked;
  }

  /** Queues a frame made elsewhere (copied into this turn's buffer). */
  push(chunk: Uint8Array): void {
    if (this.closed) return;
    this.pushed++;
    this.out.raw(chunk);
    this.schedule();
  }

  /**
   * Queues a frame written in place at the end of this turn's buffer: `write` encodes it and
   * returns true, or returns false (or throws) to take back whatever it wrote.
   */
  frame(write: (w: WireWriter) => boolean): boolean {
    if (this.closed) return true;
    const start = this.out.pos;
    let kept = false;
    try {
      kept = write(this.out);
    } finally {
      if (!kept) this.out.truncate(start);
    }
    if (kept) {
      this.pushed++;
      this.schedule();
    }
    return kept;
  }

  /** Writes what is queued, then ends the socket (a graceful close). */
  end(): void {
    if (this.closed) return;
    this.ending = true;
    this.schedule();
  }

  /** Stops writing and drops what is queued (the connection is going away). */
  close(): void {
    this.closed = true;
    this.out.reset();
    this.spare = undefined;
  }

  private schedule(): void {
    if (!this.scheduled && !this.blocked) {
      this.scheduled = true;
      // setImmediate runs after this turn's I/O callbacks and their promise jobs, gathering every frame they queued.
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.closed || this.blocked) return;
    const out = this.out;
    if (out.pos === 0) {
      if (this.ending) this.finishEnd();
      return;
    }
    // The socket keeps the turn's buffer until it is written; the next turn gets another.
    const full = out.buf;
    const data = full.subarray(0, out.pos);
    const spare = this.spare;
    this.spare = undefined;
    // A spare much smaller than this turn would only grow again, in steps: start at this turn's size instead.
    out.buf = spare && spare.length * 2 > full.length ? spare : Buffer.allocUnsafe(Math.min(full.length, RETAIN_BYTES));
    out.reset();
    this.written = this.pushed;
    const more = this.socket.write(data, () => {
      if (full.length <= RETAIN_BYTES && !this.closed) this.spare = full;
    });
    if (more) {
      if (this.ending) this.finishEnd();
      return;
    }
    this.blocked = true;
    this.onBlocked?.(true);
    this.socket.once('drain', this.unblock);
  };

  private finishEnd(): void {
    this.closed = true;
    this.socket.end();
  }

  private readonly unblock = (): void => {
    this.blocked = false;
    this.onBlocked?.(false);
    this.flush();
  };
}
