import type { Api } from './api.js';
import { byId, h, safeLink, when } from './dom.js';
import type { Surge } from './types.js';

const POLL_MS = 5000;
const MODE: Record<Surge['mode'], string> = { premod: 'pre-moderated', slow: 'in slow mode' };

/** Tells moderators which posts surge protection switched, with a button to switch each back. */
export class SurgeBanner {
  private readonly box = byId('surges');
  private timer: number | undefined;
  private shown = '';

  constructor(
    private readonly api: Api,
    private readonly say: (message: string) => void,
  ) {
    this.box.addEventListener('click', (e) => {
      const button = (e.target as HTMLElement).closest<HTMLButtonElement>('[data-end-surge]');
      if (button?.dataset.endSurge) void this.end(button.dataset.endSurge);
    });
  }

  start(): void {
    void this.poll();
    this.timer = window.setInterval(() => void this.poll(), POLL_MS);
  }

  stop(): void {
    window.clearInterval(this.timer);
    this.box.replaceChildren();
    this.box.hidden = true;
    this.shown = '';
  }

  private async poll(): Promise<void> {
    try {
      const { surges } = await this.api.surges();
      const key = surges.map((s) => `${s.postId}:${s.mode}`).join(',');
      if (key === this.shown) return;
      this.shown = key;
      this.render(surges);
      if (surges.length > 0) this.say(`${surges.length} post${surges.length === 1 ? ' is' : 's are'} in a surge.`);
    } catch {
      // The next poll tries again; the queues say what went wrong.
    }
  }

  private render(surges: Surge[]): void {
    this.box.hidden = surges.length === 0;
    this.box.replaceChildren(
      h('h2', {}, 'Surge protection'),
      h(
        'ul',
        {},
        ...surges.map((s) =>
          h(
            'li',
            {},
            safeLink(s.url, s.title),
            ` is ${MODE[s.mode]} since ${when(s.since)}. `,
            h('button', { type: 'button', 'data-end-surge': s.postId }, `End the surge on ${s.postId}`),
          ),
        ),
      ),
    );
  }

  private async end(postId: string): Promise<void> {
    try {
      await this.api.endSurge(postId);
      this.say(`The surge on ${postId} is over: its comments are moderated as before.`);
    } catch (err) {
      this.say(`Could not end the surge: ${(err as Error).message}`);
    }
    await this.poll();
  }
}
