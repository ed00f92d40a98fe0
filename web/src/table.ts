/**
 * The event table: sortable by date or fatalities (the API's sorts), paginated with the API's cursor.
 */
import type { StoredEvent } from './api.js';
import { TYPE_COLORS, TYPE_SHORT } from './colors.js';
import { clear, h } from './dom.js';
import type { Sort } from './state.js';

export interface TableHandlers {
  sort(s: Sort): void;
  next(): void;
  prev(): void;
}

export function statusBadge(s: StoredEvent['review_status']): HTMLElement {
  return h('span', { class: `badge badge-${s}` }, s);
}

export class EventTable {
  private rows = new Map<string, HTMLTableRowElement>();
  private tbody: HTMLTableSectionElement | null = null;
  private sort: Sort = 'date_desc';
  private firstPage = true;

  constructor(private readonly el: HTMLElement, private readonly handlers: TableHandlers) {}

  render(events: StoredEvent[], opts: { sort: Sort; hasNext: boolean; page: number; loading?: boolean }): void {
    this.sort = opts.sort;
    this.firstPage = opts.page === 0;
    clear(this.el);
    this.rows.clear();
    const th = (label: string, key?: { asc?: Sort; desc: Sort }) => {
      if (!key) return h('th', { scope: 'col' }, label);
      const active = this.sort === key.desc || this.sort === key.asc;
      const dir = this.sort === key.asc ? 'ascending' : this.sort === key.desc ? 'descending' : 'none';
      const nextSort = this.sort === key.desc && key.asc ? key.asc : key.desc;
      return h('th', { scope: 'col', 'aria-sort': dir },
        h('button', { type: 'button', class: `sort${active ? ' active' : ''}`, onclick: () => this.handlers.sort(nextSort),
          title: `Sort by ${label.toLowerCase()}` }, label, h('span', { 'aria-hidden': 'true' }, dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ' ↕')));
    };
    this.tbody = h('tbody', {});
    for (const e of events) this.tbody.append(this.row(e));
    const table = h('table', { class: 'events' },
      h('caption', { class: 'sr-only' }, 'Events matching the filters'),
      h('thead', {}, h('tr', {},
        th('Date', { desc: 'date_desc', asc: 'date_asc' }),
        th('Type'),
        th('Actors'),
        th('Location'),
        th('Fatalities', { desc: 'fatalities_desc' }),
        th('Review'))),
      this.tbody);
    this.el.append(h('div', { class: 'table-scroll' }, table));
    if (!events.length) this.el.append(h('p', { class: 'empty' }, opts.loading ? 'Loading…' : 'No events match these filters.'));
    this.el.append(h('nav', { class: 'pager', 'aria-label': 'Table pages' },
      h('button', { type: 'button', onclick: () => this.handlers.prev(), disabled: opts.page === 0 }, '← Previous'),
      h('span', {}, `Page ${opts.page + 1}`),
      h('button', { type: 'button', onclick: () => this.handlers.next(), disabled: !opts.hasNext }, 'Next →')));
  }

  private row(e: StoredEvent): HTMLTableRowElement {
    const tr = h('tr', { 'data-id': e.event_id_cnty },
      h('td', { class: 'nowrap' }, e.event_date ?? '—'),
      h('td', {},
        h('span', { class: 'swatch', style: `background:${TYPE_COLORS[e.event_type]}`, title: e.event_type }),
        h('span', { class: 'type' }, TYPE_SHORT[e.event_type]), h('br'), h('small', {}, e.sub_event_type)),
      h('td', {}, e.actor1, e.actor2 ? h('small', {}, h('br'), 'vs ', e.actor2) : null),
      h('td', {}, h('a', { href: `#/event/${encodeURIComponent(e.event_id_cnty)}` }, e.location),
        h('br'), h('small', {}, [e.admin1, e.country].filter(Boolean).join(', '))),
      h('td', { class: 'num' }, String(e.fatalities), e.fatalities_approximate ? h('span', { title: 'approximate' }, '≈') : null),
      h('td', {}, statusBadge(e.review_status), e.sources.length > 1 ? h('small', { class: 'nsrc' }, ` ${e.sources.length} sources`) : null));
    this.rows.set(e.event_id_cnty, tr);
    return tr;
  }

  /** A live event: update its row, or insert it on the first page when the sort puts it there. */
  upsert(e: StoredEvent, matches: boolean): void {
    if (!this.tbody) return;
    const old = this.rows.get(e.event_id_cnty);
    if (old) {
      if (!matches) { old.remove(); this.rows.delete(e.event_id_cnty); return; }
      const tr = this.row(e);
      old.replaceWith(tr);
      flash(tr);
      return;
    }
    if (!matches || !this.firstPage) return;
    const tr = this.row(e);
    const before = [...this.tbody.rows].find((r) => {
      const id = r.dataset['id'];
      const cells = r.cells;
      if (this.sort === 'fatalities_desc') return Number(cells[4]?.textContent?.replace(/\D/g, '')) < e.fatalities;
      const d = cells[0]?.textContent ?? '';
      return id && (this.sort === 'date_asc' ? d > (e.event_date ?? '') : d <= (e.event_date ?? '9999'));
    });
    this.tbody.insertBefore(tr, before ?? null);
    this.el.querySelector('.empty')?.remove();
    flash(tr);
  }

  remove(id: string): void {
    this.rows.get(id)?.remove();
    this.rows.delete(id);
  }
}

export function flash(el: HTMLElement): void {
  el.classList.remove('flash');
  void el.offsetWidth;
  el.classList.add('flash');
  setTimeout(() => el.classList.remove('flash'), 4000);
}
