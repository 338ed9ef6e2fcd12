// What the host posts to the panel's page while the page may be gone. The panel does not keep its
// page alive when hidden (retainContextWhenHidden is off: it costs memory for as long as VS Code
// runs), and a message posted to a hidden page is dropped. Everything but the log is state the
// page asks for again when it comes back ("ready" → a fresh view); the log is a history, so its
// lines are held while the page is away and delivered, in order, once it is ready again.
export class PageOutbox<M extends { type: string }> {
  private live: boolean;
  private held: M[] = [];
  private droppedLines = 0;

  constructor(
    private readonly send: (m: M) => void,
    visible: boolean,
    /** Messages worth holding (the log's lines); the rest are re-sent on "ready". */
    private readonly isHistory: (m: M) => boolean,
    private readonly limit = 300,
  ) {
    this.live = visible;
  }

  post(m: M): void {
    if (this.live) {
      this.send(m);
      return;
    }
    if (!this.isHistory(m)) return;
    this.held.push(m);
    // The page shows its last 300 lines anyway: older ones would only be scrolled away.
    if (this.held.length > this.limit) {
      this.droppedLines += this.held.length - this.limit;
      this.held.splice(0, this.held.length - this.limit);
    }
  }

  /** The page was hidden: it is gone until it loads again and says "ready". */
  hidden(): void {
    this.live = false;
  }

  /** The page loaded again: deliver what it missed, oldest first. */
  ready(): void {
    this.live = true;
    const held = this.held;
    this.held = [];
    this.droppedLines = 0;
    for (const m of held) this.send(m);
  }

  /** Lines held for the page, and how many older ones were let go beyond the limit. */
  get pending(): { held: number; dropped: number } {
    return { held: this.held.length, dropped: this.droppedLines };
  }
}
