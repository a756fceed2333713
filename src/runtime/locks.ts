// Spec: GC must be exclusive with ADD/DEL, and one attachment's operations must not overlap.
// ADD/DEL of different attachments still run concurrently (runtimes attach many pods at once).

type Release = () => void;

/** A readers-writer lock (GC is the writer) plus a mutex per attachment key. */
export class AttachmentLocks {
  private readers = 0;
  private writer = false;
  private writersWaiting = 0;
  private waiting: Array<() => void> = [];
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `fn` holding the shared lock and the attachment's own mutex. */
  async withAttachment<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const releaseShared = await this.acquireShared();
    try {
      const releaseKey = await this.acquireKey(key);
      try {
        return await fn();
      } finally {
        releaseKey();
      }
    } finally {
      releaseShared();
    }
  }

  /** Runs `fn` holding the exclusive lock: no ADD/DEL runs meanwhile. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.writersWaiting++;
    while (this.writer || this.readers > 0) await new Promise<void>((r) => this.waiting.push(r));
    this.writersWaiting--;
    this.writer = true;
    try {
      return await fn();
    } finally {
      this.writer = false;
      this.wake();
    }
  }

  private async acquireShared(): Promise<Release> {
    // A waiting GC goes first, so a steady stream of ADDs cannot starve it.
    while (this.writer || this.writersWaiting > 0) await new Promise<void>((r) => this.waiting.push(r));
    this.readers++;
    return () => {
      this.readers--;
      if (this.readers === 0) this.wake();
    };
  }

  private async acquireKey(key: string): Promise<Release> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release: Release = () => {};
    const mine = new Promise<void>((r) => {
      release = r;
    });
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    await prev;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = [];
    for (const r of w) r();
  }
}
