import { byId } from './dom.js';

/**
 * Severe comments arrive blurred (the API marks them `severe` by the site's level); a moderator
 * reveals one with its button. The page counts how many severe comments the moderator revealed
 * in this session (memory only, like the token) and shows the figure.
 */
export class Wellbeing {
  private readonly seen = new Set<string>();

  constructor() {
    document.addEventListener('click', (e) => {
      const button = (e.target as HTMLElement).closest<HTMLButtonElement>('[data-act=reveal]');
      if (!button) return;
      const wrap = button.closest<HTMLElement>('.severe');
      const body = wrap?.querySelector<HTMLElement>('.blurred');
      if (!wrap || !body) return;
      body.classList.remove('blurred');
      body.inert = false;
      button.setAttribute('aria-expanded', 'true');
      button.hidden = true;
      const id = button.closest<HTMLElement>('.item')?.dataset.id;
      if (id) this.seen.add(id);
      this.render();
      body.tabIndex = -1;
      body.focus();
    });
  }

  reset(): void {
    this.seen.clear();
    this.render();
  }

  private render(): void {
    byId('severe-seen').textContent = String(this.seen.size);
  }
}
