/**
 * Timeline: events per day stacked by event type (from /api/stats by_day), as an SVG built from DOM
 * nodes. Dragging across it (mouse, touch or pen) selects a date range; a click selects one day.
 */
import type { StatsResponse } from './api.js';
import { EVENT_TYPES, TYPE_COLORS, type EventType } from './colors.js';
import { clear, h, svg } from './dom.js';

const DAY = 86_400_000;
const toDay = (t: number) => new Date(t).toISOString().slice(0, 10);
const parseDay = (d: string) => Date.parse(`${d}T00:00:00Z`);

export interface Range { from?: string | undefined; to?: string | undefined }

export class Timeline {
  private days: string[] = [];
  private counts = new Map<string, Map<EventType, number>>();
  private range: Range = {};
  private readonly observer: ResizeObserver;
  private width = 0;

  constructor(private readonly el: HTMLElement, private readonly onBrush: (r: Range) => void) {
    this.observer = new ResizeObserver(() => {
      if (Math.abs(this.el.clientWidth - this.width) > 2) this.render();
    });
    this.observer.observe(el);
  }

  set(byDay: StatsResponse['by_day'], range: Range): void {
    this.counts.clear();
    for (const r of byDay) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(r.day)) continue;
      let m = this.counts.get(r.day);
      if (!m) this.counts.set(r.day, (m = new Map()));
      m.set(r.event_type, (m.get(r.event_type) ?? 0) + r.count);
    }
    const keys = [...this.counts.keys()].sort();
    this.days = [];
    if (keys.length) {
      let a = parseDay(keys[0]!);
      let b = parseDay(keys[keys.length - 1]!);
      // Pad very short spans so single days don't fill the width.
      if ((b - a) / DAY < 6) { a -= 3 * DAY; b += 3 * DAY; }
      for (let t = a; t <= b && this.days.length < 4000; t += DAY) this.days.push(toDay(t));
    }
    this.range = range;
    this.render();
  }

  /** Add one live event to its day (the next stats reload settles the exact figures). */
  bump(day: string | null, type: EventType): void {
    if (!day) return;
    const m = this.counts.get(day) ?? new Map<EventType, number>();
    m.set(type, (m.get(type) ?? 0) + 1);
    this.counts.set(day, m);
    if (!this.days.includes(day)) {
      const all = [...new Set([...this.days, day])].sort();
      this.days = [];
      for (let t = parseDay(all[0]!); t <= parseDay(all[all.length - 1]!) && this.days.length < 4000; t += DAY) this.days.push(toDay(t));
    }
    this.render();
  }

  render(): void {
    const hadFocus = this.el.contains(document.activeElement) && document.activeElement?.tagName.toLowerCase() === 'svg';
    clear(this.el);
    this.width = this.el.clientWidth;
    if (!this.days.length) {
      this.el.append(h('p', { class: 'empty' }, 'No dated events for these filters.'));
      return;
    }
    const W = Math.max(200, this.width), H = 120, padL = 28, padB = 20, padT = 6;
    const n = this.days.length;
    const bw = (W - padL - 4) / n;
    let max = 1;
    for (const m of this.counts.values()) max = Math.max(max, [...m.values()].reduce((a, b) => a + b, 0));
    const y = (v: number) => ((H - padB - padT) * v) / max;
    const root = svg('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: 'timeline-svg', role: 'img' });
    root.setAttribute('aria-label', `Events per day from ${this.days[0]} to ${this.days[n - 1]}. Drag to choose dates; ` +
      'or use the arrow keys to move, Shift with an arrow to widen, Enter to set the dates, Escape to clear them.');
    root.setAttribute('tabindex', '0');
    // axis: max count and a few date ticks
    const lab = svg('text', { x: 2, y: padT + 9, class: 'tick' });
    lab.textContent = String(max);
    root.append(lab, svg('line', { x1: padL, x2: W, y1: H - padB + 0.5, y2: H - padB + 0.5, class: 'axis' }));
    const ticks = Math.min(n, Math.max(2, Math.floor(W / 110)));
    for (let i = 0; i < ticks; i++) {
      const idx = Math.round((i * (n - 1)) / Math.max(1, ticks - 1));
      const t = svg('text', { x: padL + idx * bw + bw / 2, y: H - 5, class: 'tick', 'text-anchor': i === 0 ? 'start' : i === ticks - 1 ? 'end' : 'middle' });
      t.textContent = this.days[idx]!;
      root.append(t);
    }
    // selected range
    const ix = (d: string | undefined, dflt: number) => {
      if (!d) return dflt;
      const i = this.days.findIndex((x) => x >= d);
      return i < 0 ? n : i;
    };
    if (this.range.from || this.range.to) {
      const a = ix(this.range.from, 0);
      const b = this.range.to ? Math.min(n - 1, ix(this.range.to, n - 1) - (this.days.includes(this.range.to) ? 0 : 1)) : n - 1;
      if (b >= a) root.append(svg('rect', { x: padL + a * bw, y: 0, width: (b - a + 1) * bw, height: H - padB, class: 'selection' }));
    }
    this.days.forEach((d, i) => {
      const m = this.counts.get(d);
      if (!m) return;
      const g = svg('g', { class: 'bar' });
      let acc = 0;
      const parts: string[] = [];
      for (const t of EVENT_TYPES) {
        const c = m.get(t);
        if (!c) continue;
        parts.push(`${c} ${t}`);
        const hh = y(c);
        const w = Math.min(28, Math.max(0.8, bw - (bw > 3 ? 1 : 0)));
        g.append(svg('rect', { x: padL + i * bw + (bw - w) / 2, y: H - padB - acc - hh, width: w, height: hh, fill: TYPE_COLORS[t] }));
        acc += hh;
      }
      const title = svg('title');
      title.textContent = `${d}: ${parts.join(', ')}`;
      g.append(title);
      root.append(g);
    });
    // brushing
    const brush = svg('rect', { x: 0, y: 0, width: 0, height: H - padB, class: 'brush', visibility: 'hidden' });
    root.append(brush);
    const dayAt = (clientX: number) => {
      const r = root.getBoundingClientRect();
      return Math.max(0, Math.min(n - 1, Math.floor((clientX - r.left - padL) / bw)));
    };
    let start = -1;
    root.addEventListener('pointerdown', (e) => {
      start = dayAt(e.clientX);
      root.setPointerCapture(e.pointerId);
      brush.setAttribute('visibility', 'visible');
      brush.setAttribute('x', String(padL + start * bw));
      brush.setAttribute('width', String(bw));
    });
    root.addEventListener('pointermove', (e) => {
      if (start < 0) return;
      const cur = dayAt(e.clientX);
      const [a, b] = cur < start ? [cur, start] : [start, cur];
      brush.setAttribute('x', String(padL + a * bw));
      brush.setAttribute('width', String((b - a + 1) * bw));
    });
    const end = (e: PointerEvent) => {
      if (start < 0) return;
      const cur = dayAt(e.clientX);
      const [a, b] = cur < start ? [cur, start] : [start, cur];
      start = -1;
      this.onBrush({ from: this.days[a], to: this.days[b] });
    };
    root.addEventListener('pointerup', end);
    // keyboard brushing: a one-day cursor that Shift widens
    let ka = -1, kb = -1;
    const show = () => {
      brush.setAttribute('visibility', 'visible');
      brush.setAttribute('x', String(padL + ka * bw));
      brush.setAttribute('width', String((kb - ka + 1) * bw));
      const t = brush.querySelector('title') ?? brush.appendChild(svg('title'));
      t.textContent = ka === kb ? this.days[ka]! : `${this.days[ka]} to ${this.days[kb]}`;
      live.textContent = t.textContent;
    };
    root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { e.preventDefault(); this.onBrush({}); return; }
      if (e.key === 'Enter' && ka >= 0) { e.preventDefault(); this.onBrush({ from: this.days[ka], to: this.days[kb] }); return; }
      const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (!step) return;
      e.preventDefault();
      if (ka < 0) { ka = kb = step > 0 ? 0 : n - 1; show(); return; }
      if (e.shiftKey) kb = Math.max(ka, Math.min(n - 1, kb + step));
      else { ka = Math.max(0, Math.min(n - 1, ka + step)); kb = ka; }
      show();
    });
    const live = h('span', { class: 'sr-only', 'aria-live': 'polite' });
    this.el.append(live);
    root.addEventListener('pointercancel', () => { start = -1; brush.setAttribute('visibility', 'hidden'); });
    this.el.append(root);
    if (hadFocus) root.focus();
    if (this.range.from || this.range.to) {
      this.el.append(h('p', { class: 'timeline-range' },
        `Showing ${this.range.from ?? 'the start'} to ${this.range.to ?? 'now'} `,
        h('button', { type: 'button', class: 'link', onclick: () => this.onBrush({}) }, 'Clear dates')));
    }
  }
}
