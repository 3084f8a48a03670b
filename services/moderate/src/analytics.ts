import type { Api } from './api.js';
import { byId, h } from './dom.js';
import { bars, stackedColumns } from './charts.js';
import type { Analytics } from './types.js';

const DAY_MS = 86_400_000;
const STATUS_SERIES = [
  { key: 'approved', label: 'approved', className: 'fill-ok' },
  { key: 'pending', label: 'held', className: 'fill-held' },
  { key: 'rejected', label: 'rejected', className: 'fill-bad' },
];

/** "3 min", "2.5 h": a duration in seconds as a moderator reads it. */
export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

const pct = (part: number, whole: number) => (whole === 0 ? '—' : `${Math.round((part / whole) * 100)}%`);

/** A table of figures, the exact values behind a chart. */
function table(caption: string, head: string[], rows: (string | number)[][]): HTMLTableElement {
  return h(
    'table',
    { class: 'figures' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...head.map((x) => h('th', { scope: 'col' }, x)))),
    h(
      'tbody',
      {},
      ...rows.map((r) =>
        h('tr', {}, ...r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, String(c)) : h('td', {}, String(c))))),
      ),
    ),
  );
}

/** The analytics tab: a range, the desk's figures, and plain SVG charts with their tables. */
export class AnalyticsPanel {
  private readonly panel = byId('analytics');
  private readonly body = byId('analytics-body');
  private readonly toggle = byId<HTMLButtonElement>('analytics-button');

  constructor(
    private readonly api: Api,
    private readonly say: (message: string) => void,
  ) {
    this.toggle.addEventListener('click', () => void (this.panel.hidden ? this.open() : this.close()));
    const form = byId<HTMLFormElement>('analytics-range');
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.load();
    });
  }

  async open(): Promise<void> {
    this.panel.hidden = false;
    this.toggle.setAttribute('aria-expanded', 'true');
    const to = byId<HTMLInputElement>('analytics-to');
    const from = byId<HTMLInputElement>('analytics-from');
    if (!to.value) to.value = new Date(Date.now() + DAY_MS).toISOString().slice(0, 10);
    if (!from.value) from.value = new Date(Date.now() - 29 * DAY_MS).toISOString().slice(0, 10);
    await this.load();
    byId('analytics-title').focus();
  }

  close(): void {
    this.panel.hidden = true;
    this.toggle.setAttribute('aria-expanded', 'false');
    this.toggle.focus();
  }

  private async load(): Promise<void> {
    const from = byId<HTMLInputElement>('analytics-from').value;
    const to = byId<HTMLInputElement>('analytics-to').value;
    try {
      const { analytics } = await this.api.analytics(from, to);
      this.render(analytics);
      this.say(`Analytics from ${from} to ${to}.`);
    } catch (err) {
      this.say(`Could not read the analytics: ${(err as Error).message}`);
    }
  }

  private render(a: Analytics): void {
    const decided = a.decidedBy.automatic + a.decidedBy.human;
    const volume = a.volume.map((d) => ({
      label: d.day,
      values: { approved: d.approved, pending: d.pending, rejected: d.rejected },
    }));
    this.body.replaceChildren(
      h(
        'dl',
        { class: 'kpis' },
        h('dt', {}, 'Decided automatically'),
        h('dd', { id: 'kpi-automatic' }, `${pct(a.decidedBy.automatic, decided)} (${a.decidedBy.automatic})`),
        h('dt', {}, 'Decided by people'),
        h('dd', { id: 'kpi-human' }, `${pct(a.decidedBy.human, decided)} (${a.decidedBy.human})`),
        h('dt', {}, 'Time to a decision, median / 90th percentile'),
        h(
          'dd',
          { id: 'kpi-time' },
          `${duration(a.timeToDecision.p50Seconds)} / ${duration(a.timeToDecision.p90Seconds)}`,
        ),
        h('dt', {}, 'Waiting now'),
        h(
          'dd',
          { id: 'kpi-backlog' },
          `${a.backlog.pending}${a.backlog.pending ? `, the oldest for ${duration(a.backlog.oldestAgeSeconds)}` : ''}`,
        ),
        h('dt', {}, 'Reversed decisions'),
        h('dd', {}, `${a.reversals.total} (${a.reversals.undone} undone)`),
        h('dt', {}, 'Appeals'),
        h('dd', {}, `${a.appeals.received} received, ${a.appeals.reversed} reversed, ${a.appeals.upheld} upheld`),
      ),
      h('h3', {}, 'Comments per day'),
      h(
        'p',
        { class: 'legend' },
        ...STATUS_SERIES.map((x) => h('span', {}, h('span', { class: `swatch ${x.className}` }), ` ${x.label} `)),
      ),
      stackedColumns('Comments per day by status', volume, STATUS_SERIES),
      h(
        'details',
        {},
        h('summary', {}, 'Figures per day'),
        table(
          'Comments per day',
          ['Day', 'Total', 'Approved', 'Held', 'Rejected'],
          a.volume.map((d) => [d.day, d.total, d.approved, d.pending, d.rejected]),
        ),
      ),
      h('h3', {}, 'Decisions per moderator'),
      a.moderators.length
        ? bars(
            'Decisions per moderator',
            a.moderators.map((m) => ({ label: m.name, value: m.approved + m.rejected })),
          )
        : h('p', { class: 'meta' }, 'No decisions by people in this range.'),
      table(
        'Decisions per moderator',
        ['Moderator', 'Approved', 'Rejected'],
        a.moderators.map((m) => [m.name, m.approved, m.rejected]),
      ),
      h('h3', {}, 'Reasons'),
      a.reasons.length
        ? bars(
            'Comments per rule',
            a.reasons.map((r) => ({ label: r.rule, value: r.comments })),
            'bar fill-held',
          )
        : h('p', { class: 'meta' }, 'No reasons recorded in this range.'),
    );
  }
}
