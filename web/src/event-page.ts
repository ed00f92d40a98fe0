/**
 * The event page (#/event/<id>): every coded field, the sources, each source's text with the evidence
 * spans highlighted and labelled, and the review actions. All document text goes in as text nodes.
 */
import { api, ApiError, getToken, setToken, type EventDetail, type StoredDocument, type StoredEvent } from './api.js';
import { ALL_SUB_EVENT_TYPES, disorderTypeOf, eventTypeOf, type SubEventType } from '../../src/model/taxonomy.js';
import type { Evidence } from '../../src/model/event.js';
import type { CodedEvent } from '../../src/model/event.js';
import { TYPE_COLORS } from './colors.js';
import { append, clear, h } from './dom.js';
import { flash, statusBadge } from './table.js';

type Category = 'actor' | 'place' | 'date' | 'casualties' | 'type' | 'weapon' | 'target';
const CATEGORY: Record<Evidence['field'], Category> = {
  actor1: 'actor', assoc_actor_1: 'actor', actor2: 'actor', assoc_actor_2: 'actor',
  location: 'place', admin1: 'place', event_date: 'date', fatalities: 'casualties', injuries: 'casualties',
  event_type: 'type', sub_event_type: 'type', weapons: 'weapon', targets: 'target',
};
const LABEL: Record<Evidence['field'], string> = {
  actor1: 'actor 1', assoc_actor_1: 'assoc. actor 1', actor2: 'actor 2', assoc_actor_2: 'assoc. actor 2',
  location: 'place', admin1: 'admin 1', event_date: 'date', fatalities: 'killed', injuries: 'injured',
  event_type: 'type', sub_event_type: 'sub-type', weapons: 'weapon', targets: 'target',
};

/** Fields shown in the coded-fields list, in ACLED's order. */
const FIELDS: (keyof CodedEvent | 'created_at' | 'updated_at' | 'review_status')[] = [
  'event_id_cnty', 'event_date', 'time_precision', 'disorder_type', 'event_type', 'sub_event_type',
  'actor1', 'assoc_actor_1', 'inter1', 'actor2', 'assoc_actor_2', 'inter2', 'interaction', 'civilian_targeting',
  'iso', 'country', 'admin1', 'admin2', 'admin3', 'location', 'latitude', 'longitude', 'geo_precision', 'geo_note',
  'source', 'notes', 'fatalities', 'fatalities_approximate', 'injuries', 'weapons', 'targets', 'confidence',
  'review_status', 'created_at', 'updated_at',
];

type EditKind = 'text' | 'nullable' | 'int' | 'number' | 'date' | 'list' | 'subtype' | 'precision';
const EDITABLE: [keyof CodedEvent, EditKind][] = [
  ['event_date', 'date'], ['sub_event_type', 'subtype'], ['actor1', 'text'], ['assoc_actor_1', 'nullable'],
  ['actor2', 'nullable'], ['assoc_actor_2', 'nullable'], ['location', 'text'], ['admin1', 'nullable'],
  ['admin2', 'nullable'], ['country', 'text'], ['latitude', 'number'], ['longitude', 'number'],
  ['geo_precision', 'precision'], ['time_precision', 'precision'], ['fatalities', 'int'], ['injuries', 'int'],
  ['weapons', 'list'], ['targets', 'list'], ['notes', 'text'],
];

const REVIEWER_KEY = 'frontline.reviewer';
function reviewer(): string {
  try { return localStorage.getItem(REVIEWER_KEY) || 'analyst'; } catch { return 'analyst'; }
}

function fmt(v: unknown): string {
  if (v == null || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.join(', ') : '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

/** Resolve an evidence span against the document text; offsets are UTF-16 units. */
function locate(ev: Evidence, text: string): { start: number; end: number } | null {
  const ok = ev.start >= 0 && ev.end > ev.start && ev.end <= text.length;
  if (ok && (!ev.text || text.slice(ev.start, ev.end) === ev.text)) return { start: ev.start, end: ev.end };
  if (ev.text) {
    // offsets drifted (e.g. a different normalisation): take the occurrence nearest to the given start
    let best = -1;
    for (let i = text.indexOf(ev.text); i >= 0; i = text.indexOf(ev.text, i + 1)) {
      if (best < 0 || Math.abs(i - ev.start) < Math.abs(best - ev.start)) best = i;
    }
    if (best >= 0) return { start: best, end: best + ev.text.length };
  }
  return ok ? { start: ev.start, end: ev.end } : null;
}

/** The document text as DOM nodes with <mark>s for the evidence spans and a label after each span. */
export function highlight(text: string, evidence: Evidence[]): DocumentFragment {
  const spans = evidence
    .map((ev) => ({ ev, at: locate(ev, text) }))
    .filter((s): s is { ev: Evidence; at: { start: number; end: number } } => s.at !== null);
  const cuts = new Set<number>([0, text.length]);
  for (const s of spans) { cuts.add(s.at.start); cuts.add(s.at.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const frag = document.createDocumentFragment();
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!, b = points[i + 1]!;
    const seg = text.slice(a, b);
    const cover = spans.filter((s) => s.at.start <= a && s.at.end >= b);
    if (!cover.length) { frag.append(document.createTextNode(seg)); continue; }
    const cats = [...new Set(cover.map((s) => CATEGORY[s.ev.field]))];
    const mark = h('mark', {
      class: `ev cat-${cats[0]}${cats.length > 1 ? ' multi' : ''}`,
      'data-fields': cover.map((s) => s.ev.field).join(' '),
      title: cover.map((s) => `${LABEL[s.ev.field]} (${s.ev.field})`).join(', '),
    }, seg);
    frag.append(mark);
    const ending = spans.filter((s) => s.at.end === b && s.at.start <= a);
    if (ending.length) {
      const labels = [...new Set(ending.map((s) => LABEL[s.ev.field]))];
      frag.append(h('span', { class: `ev-label cat-${CATEGORY[ending[0]!.ev.field]}` }, labels.join(' · ')));
    }
  }
  return frag;
}

function safeUrl(u: string | null | undefined): string | null {
  if (!u) return null;
  try {
    const url = new URL(u);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch { return null; }
}

export interface EventPageHost {
  backHref(): string;
  onChanged(events: StoredEvent[]): void;
}

export class EventPage {
  private current: EventDetail | null = null;
  private ctrl: AbortController | null = null;
  /** The last action's outcome; kept across re-renders (live updates re-render the page). */
  private notice: (string | Node)[] = [];

  constructor(private readonly el: HTMLElement, private readonly host: EventPageHost) {}

  get id(): string | null {
    return this.current?.event_id_cnty ?? null;
  }

  /** Show an action's outcome in the page's status line. */
  private say(...parts: (string | Node)[]): void {
    this.notice = parts;
    const m = this.el.querySelector('.message');
    if (m) { clear(m); append(m, parts); }
  }

  async open(id: string): Promise<void> {
    if (id !== this.current?.event_id_cnty) this.notice = [];
    this.ctrl?.abort();
    this.ctrl = new AbortController();
    clear(this.el);
    this.el.append(h('p', { class: 'loading' }, 'Loading event…'));
    try {
      const ev = await api.getEvent(id, this.ctrl.signal);
      this.render(ev);
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      this.current = null;
      clear(this.el);
      this.el.append(
        h('p', {}, h('a', { href: this.host.backHref(), class: 'back' }, '← Back to the dashboard')),
        h('h2', {}, 'Event not available'),
        h('p', { class: 'error', role: 'alert' }, err instanceof ApiError && err.status === 404 ? `No event with id ${id}.` : String((err as Error).message)));
    }
  }

  /** A live change of the open event. */
  async refreshIfOpen(e: StoredEvent): Promise<void> {
    if (this.current?.event_id_cnty !== e.event_id_cnty) return;
    if (this.el.contains(document.activeElement) && document.activeElement?.matches('input, textarea, select')) return;
    await this.open(e.event_id_cnty);
    const st = this.el.querySelector<HTMLElement>('.status-line');
    if (st) flash(st);
  }

  private render(e: EventDetail): void {
    this.current = e;
    clear(this.el);
    const docs = e.documents ?? [];
    const color = TYPE_COLORS[e.event_type] ?? '#555';
    const msg = h('p', { class: 'message', role: 'status', 'aria-live': 'polite' }, this.notice);
    this.el.append(
      h('p', {}, h('a', { href: this.host.backHref(), class: 'back' }, '← Back to the dashboard')),
      h('h2', { id: 'event-title' },
        h('span', { class: 'swatch big', style: `background:${color}` }),
        `${e.sub_event_type} in ${e.location}`, e.event_date ? `, ${e.event_date}` : ''),
      h('p', { class: 'status-line' }, statusBadge(e.review_status),
        e.review_status === 'edited' ? ' Edited by a reviewer: the values below are the reviewed ones.' : '',
        ` ${e.event_type} · ${[e.admin1, e.country].filter(Boolean).join(', ')} · ${e.fatalities} fatalities · ${e.sources.length} source${e.sources.length === 1 ? '' : 's'}`),
      this.reviewPanel(e),
      msg,
    );
    // coded fields
    const evFields = new Set(e.evidence.map((x) => x.field));
    const edited = new Set(e.edited_fields ?? []);
    const dl = h('dl', { class: 'fields' });
    for (const f of FIELDS) {
      const v = (e as unknown as Record<string, unknown>)[f];
      const dd = h('dd', { 'data-field': f }, fmt(v));
      if (evFields.has(f as Evidence['field'])) {
        dd.append(' ', h('button', {
          type: 'button', class: 'link evlink', title: `Show the evidence for ${f}`,
          onclick: () => {
            const m = this.el.querySelector<HTMLElement>(`mark[data-fields~="${f}"]`);
            if (m) { m.scrollIntoView({ block: 'center' }); m.setAttribute('tabindex', '-1'); m.focus(); flash(m); }
          },
        }, 'evidence'));
      }
      if (edited.has(f)) dd.append(' ', h('span', { class: 'badge badge-edited', title: 'changed by a reviewer' }, 'edited'));
      dl.append(h('div', { class: edited.has(f) ? 'is-edited' : null }, h('dt', {}, f), dd));
    }
    this.el.append(h('section', { 'aria-labelledby': 'fields-title' }, h('h3', { id: 'fields-title' }, 'Coded fields'), dl));
    // sources
    const srcList = h('ul', { class: 'sources' });
    for (const s of e.sources) {
      const href = safeUrl(s.url);
      srcList.append(h('li', {},
        h('strong', {}, s.source || 'unknown source'), s.published ? ` · ${s.published}` : '',
        s.title ? h('span', {}, ' · ', h('cite', {}, s.title)) : null,
        href ? h('span', {}, ' · ', h('a', { href, rel: 'noopener noreferrer nofollow', target: '_blank' }, 'original')) : null,
        h('small', { class: 'docid' }, ` (document ${s.document_id})`),
        e.sources.length > 1
          ? h('button', { type: 'button', class: 'secondary small', onclick: () => void this.unmerge(e, s.document_id) }, 'Unmerge this source')
          : null));
    }
    this.el.append(h('section', { 'aria-labelledby': 'sources-title' }, h('h3', { id: 'sources-title' }, 'Sources'), srcList));
    const history = this.history(e);
    if (history) this.el.append(history);
    // evidence list
    const tb = h('tbody', {});
    for (const x of e.evidence) {
      tb.append(h('tr', {}, h('td', {}, h('span', { class: `ev-label cat-${CATEGORY[x.field]}` }, LABEL[x.field])), h('td', {}, x.field),
        h('td', {}, h('q', {}, x.text)), h('td', {}, h('small', {}, x.document_id))));
    }
    this.el.append(h('section', { 'aria-labelledby': 'evidence-title' }, h('h3', { id: 'evidence-title' }, 'Evidence'),
      e.evidence.length
        ? h('div', { class: 'table-scroll' }, h('table', { class: 'evidence' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Label'), h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Text'), h('th', { scope: 'col' }, 'Document'))), tb))
        : h('p', {}, 'No evidence spans were recorded for this event.')));
    // documents with highlights
    const docSection = h('section', { 'aria-labelledby': 'docs-title' }, h('h3', { id: 'docs-title' }, 'Source text'),
      h('p', { class: 'ev-legend' }, 'Highlighted: ',
        (['actor', 'place', 'date', 'casualties', 'type', 'weapon', 'target'] as Category[]).map((c) => h('mark', { class: `ev cat-${c}` }, c))));
    if (!docs.length) docSection.append(h('p', {}, 'The source documents are not available.'));
    for (const d of docs) docSection.append(this.documentBlock(d, e.evidence.filter((x) => x.document_id === d.id)));
    this.el.append(docSection);
  }

  /** Who reviewed what and when, and which reports were merged in and why. */
  private history(e: EventDetail): HTMLElement | null {
    const reviews = e.reviews ?? [];
    const merges = e.merges ?? [];
    if (!reviews.length && !merges.length) return null;
    const list = h('ul', { class: 'history' });
    for (const r of reviews) {
      const fields = r.fields ? Object.entries(r.fields).map(([k, v]) => `${k} = ${fmt(v)}`).join('; ') : '';
      list.append(h('li', {}, h('time', { datetime: r.at }, r.at.replace('T', ' ').slice(0, 16)), ' ',
        h('strong', {}, r.reviewer), ` ${r.action === 'confirm' ? 'confirmed' : r.action === 'reject' ? 'rejected' : 'edited'}`,
        fields ? `: ${fields}` : '', r.note ? h('span', {}, ' — ', h('q', {}, r.note)) : null));
    }
    for (const m of merges) {
      list.append(h('li', {}, h('time', { datetime: m.at }, m.at.replace('T', ' ').slice(0, 16)), ' ',
        `document ${m.document_id} merged (score ${m.score.toFixed(2)}): ${m.reason}`,
        m.undone_at ? h('em', {}, ` — unmerged ${m.undone_at.replace('T', ' ').slice(0, 16)}`) : null));
    }
    return h('section', { 'aria-labelledby': 'history-title' }, h('h3', { id: 'history-title' }, 'History'), list);
  }

  private documentBlock(d: StoredDocument, evidence: Evidence[]): HTMLElement {
    return h('article', { class: 'doc', 'data-doc': d.id },
      h('h4', {}, d.title || d.source || d.id),
      h('p', { class: 'doc-meta' }, [d.source, d.published].filter(Boolean).join(' · ')),
      h('div', { class: 'doc-text' }, highlight(d.text, evidence)));
  }

  private reviewPanel(e: EventDetail): HTMLElement {
    const who = h('input', { id: 'rv-who', type: 'text', value: reviewer(), autocomplete: 'name', required: true });
    who.addEventListener('change', () => { try { localStorage.setItem(REVIEWER_KEY, who.value.trim()); } catch { /* ignore */ } });
    const note = h('input', { id: 'rv-note', type: 'text', placeholder: 'optional' });
    const token = h('input', { id: 'rv-token', type: 'password', value: getToken(), autocomplete: 'off' });
    token.addEventListener('change', () => setToken(token.value.trim()));
    const fieldSel = h('select', { id: 'rv-field' }, EDITABLE.map(([f]) => h('option', { value: f }, f)));
    const valueWrap = h('span', { class: 'rv-value' });
    let valueInput: HTMLInputElement | HTMLSelectElement = h('input');
    const setValueInput = () => {
      const [f, kind] = EDITABLE.find(([x]) => x === fieldSel.value)!;
      const cur = (e as unknown as Record<string, unknown>)[f];
      if (kind === 'subtype') {
        valueInput = h('select', {}, ALL_SUB_EVENT_TYPES.map((s) => h('option', { value: s }, `${eventTypeOf(s)} — ${s}`)));
      } else if (kind === 'precision') {
        valueInput = h('select', {}, [1, 2, 3].map((n) => h('option', { value: n }, String(n))));
      } else {
        const type = kind === 'int' || kind === 'number' ? 'number' : kind === 'date' ? 'date' : 'text';
        valueInput = h('input', { type, step: kind === 'number' ? 'any' : kind === 'int' ? '1' : null, min: kind === 'int' ? '0' : null });
      }
      valueInput.id = 'rv-value';
      valueInput.value = Array.isArray(cur) ? cur.join('; ') : cur == null ? '' : String(cur);
      clear(valueWrap);
      valueWrap.append(h('label', { for: 'rv-value' }, 'New value'), valueInput);
    };
    fieldSel.addEventListener('change', setValueInput);
    setValueInput();

    const run = async (label: string, fn: () => Promise<unknown>) => {
      const r = who.value.trim();
      if (!r) { this.say('Enter your name first: reviews are kept with who made them.'); who.focus(); return; }
      this.say(`${label}…`);
      try {
        await fn();
        const fresh = await api.getEvent(e.event_id_cnty);
        this.render(fresh);
        this.host.onChanged([fresh]);
        this.say(`${label}: done.`);
      } catch (err) {
        this.say(`${label} failed: ${(err as Error).message}`);
      }
    };
    const common = () => ({ reviewer: who.value.trim(), ...(note.value.trim() ? { note: note.value.trim() } : {}) });
    const edit = () => {
      const [f, kind] = EDITABLE.find(([x]) => x === fieldSel.value)!;
      const raw = valueInput.value.trim();
      let fields: Partial<CodedEvent>;
      if (kind === 'subtype') {
        const sub = raw as SubEventType;
        const type = eventTypeOf(sub);
        fields = { sub_event_type: sub, event_type: type, disorder_type: disorderTypeOf(type, sub) };
      } else if (kind === 'int' || kind === 'number' || kind === 'precision') {
        const n = Number(raw);
        if (raw === '' || !Number.isFinite(n)) { this.say(`${f} needs a number.`); return; }
        fields = { [f]: n } as Partial<CodedEvent>;
      } else if (kind === 'list') {
        fields = { [f]: raw ? raw.split(/\s*[;,]\s*/).filter(Boolean) : [] } as Partial<CodedEvent>;
      } else if (kind === 'nullable') {
        fields = { [f]: raw || null } as Partial<CodedEvent>;
      } else {
        if (!raw) { this.say(`${f} can't be empty.`); return; }
        fields = { [f]: raw } as Partial<CodedEvent>;
      }
      void run(`Edit ${f}`, () => api.review(e.event_id_cnty, { action: 'edit', fields, ...common() }));
    };
    return h('section', { class: 'review', 'aria-labelledby': 'review-title' },
      h('h3', { id: 'review-title' }, 'Review'),
      h('div', { class: 'review-row' },
        h('span', {}, h('label', { for: 'rv-who' }, 'Reviewer'), who),
        h('span', {}, h('label', { for: 'rv-note' }, 'Note'), note),
        h('button', { type: 'button', class: 'confirm', onclick: () => void run('Confirm', () => api.review(e.event_id_cnty, { action: 'confirm', ...common() })) }, 'Confirm'),
        h('button', { type: 'button', class: 'danger', onclick: () => void run('Reject', () => api.review(e.event_id_cnty, { action: 'reject', ...common() })) }, 'Reject')),
      h('form', { class: 'review-row edit', onsubmit: (ev: Event) => { ev.preventDefault(); edit(); } },
        h('span', {}, h('label', { for: 'rv-field' }, 'Edit field'), fieldSel),
        valueWrap,
        h('button', { type: 'submit' }, 'Save edit')),
      h('details', { class: 'token' }, h('summary', {}, 'API token (only if the server requires one for changes)'),
        h('form', { onsubmit: (ev: Event) => { ev.preventDefault(); setToken(token.value.trim()); } },
          h('input', { type: 'text', name: 'username', autocomplete: 'username', value: 'frontline', hidden: true }),
          h('label', { for: 'rv-token' }, 'Token'), token)));
  }

  private async unmerge(e: EventDetail, documentId: string): Promise<void> {
    this.say('Unmerging…');
    try {
      const res = await api.unmerge(e.event_id_cnty, documentId);
      const events = Array.isArray(res) ? res : res.events;
      this.host.onChanged(events);
      const other = events.find((x) => x.event_id_cnty !== e.event_id_cnty);
      await this.open(e.event_id_cnty);
      this.say(`Unmerged document ${documentId}. `,
        ...(other ? [h('a', { href: `#/event/${encodeURIComponent(other.event_id_cnty)}` }, `Open its event ${other.event_id_cnty}`)] : []));
    } catch (err) {
      this.say(`Unmerge failed: ${(err as Error).message}`);
    }
  }
}
