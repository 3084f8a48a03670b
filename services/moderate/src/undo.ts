import type { Api } from './api.js';
import { byId } from './dom.js';

/** How long the page offers the undo; the API enforces its own window (10 s) whatever the page does. */
const OFFER_MS = 10_000;

/** After each decision: "Undo" (button or `u`) for a few seconds, taking back the moderator's last action. */
export class UndoBar {
  private readonly bar = byId('undo-bar');
  private commentId: string | null = null;
  private timer: number | undefined;
  undone: () => Promise<void> = async () => undefined;

  constructor(
    private readonly api: Api,
    private readonly say: (message: string) => void,
  ) {
    byId('undo-button').addEventListener('click', () => void this.undo());
    document.addEventListener('keydown', (e) => {
      const target = e.target as HTMLElement;
      if (e.key !== 'u' || e.ctrlKey || e.metaKey || e.altKey || this.bar.hidden) return;
      if (target.closest('input, textarea, select, dialog')) return;
      e.preventDefault();
      void this.undo();
    });
  }

  offer(commentId: string, text: string): void {
    this.commentId = commentId;
    byId('undo-text').textContent = text;
    this.bar.hidden = false;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.hide(), OFFER_MS);
  }

  hide(): void {
    window.clearTimeout(this.timer);
    this.bar.hidden = true;
    this.commentId = null;
  }

  private async undo(): Promise<void> {
    const id = this.commentId;
    if (!id) return;
    this.hide();
    try {
      const { comment } = await this.api.undo(id);
      this.say(`Undone: the comment is ${comment.status} again.`);
    } catch (err) {
      this.say(`Could not undo: ${(err as Error).message}`);
    }
    await this.undone();
  }
}
