// Judges an uploaded file by its first bytes before any of it is stored: a Transform between the
// body and the sink that holds the head back, asks the route's check, and only then lets the
// bytes through (or fails naming the file field). The sink is started once the head has passed,
// so a refused file costs it nothing, not even an empty object to clean up.
import { Transform, type TransformCallback } from 'node:stream';
import { errors } from '#kit/errors';

/** What a route accepts as its file, by the first bytes (a video container for publishing). */
export interface FileCheck {
  /** Bytes held back and judged before any reaches the sink; fewer when the file is shorter. */
  headBytes: number;
  /**
   * Why the file may not be stored, said after its field name ("is not a video: …"), or undefined
   * to store it. Never called for an empty file, which is refused as "is empty".
   */
  check(head: Buffer): string | undefined;
}

/** Refused without asking the check: nothing to judge, and no video is zero bytes. */
const EMPTY = 'is empty';

export class HeadCheck extends Transform {
  /**
   * Settles once the head is judged: resolves when the file may be stored, rejects with the
   * refusal, or with the failure that ended the stream first. Never left unhandled.
   */
  readonly verdict: Promise<void>;
  private settle!: (err?: Error) => void;
  private held: Buffer[] = [];
  private heldBytes = 0;
  private decided = false;

  constructor(
    private readonly field: string,
    private readonly rule: FileCheck,
  ) {
    super();
    this.verdict = new Promise<void>((resolve, reject) => (this.settle = (err) => (err ? reject(err) : resolve())));
    this.verdict.catch(() => {}); // the failure also reaches the stream's error listeners
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.decided) return done(null, chunk);
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes < this.rule.headBytes) return done();
    this.decide(done);
  }

  override _flush(done: TransformCallback): void {
    if (this.decided) return done();
    this.decide(done);
  }

  override _destroy(err: Error | null, done: (err: Error | null) => void): void {
    if (!this.decided) {
      this.decided = true;
      this.settle(err ?? new Error('the file stream closed before its first bytes were judged'));
    }
    done(err);
  }

  private decide(done: TransformCallback): void {
    this.decided = true;
    const head = Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    const problem = head.length === 0 ? EMPTY : this.rule.check(head.subarray(0, this.rule.headBytes));
    if (problem !== undefined) {
      const refusal = errors.invalid(this.field, problem);
      this.settle(refusal);
      return done(refusal);
    }
    this.settle();
    done(null, head);
  }
}
