/**
 * The filter form. It mirrors the API's filters; every change updates the URL (through onChange).
 */
import type { StatsResponse } from './api.js';
import { SUB_EVENT_TYPES } from '../../src/model/taxonomy.js';
import { EVENT_TYPES, type EventType } from './colors.js';
import { clear, debounce, h } from './dom.js';
import { FILTER_KEYS, REVIEW_STATUSES, type Filter, type FilterKey } from './state.js';

export class Filters {
  private readonly inputs = new Map<FilterKey, HTMLInputElement | HTMLSelectElement>();
  private readonly lists: Record<'countries' | 'admin1s' | 'actors', HTMLDataListElement>;

  constructor(private readonly form: HTMLFormElement, private readonly onChange: (f: Filter) => void) {
    this.lists = {
      countries: h('datalist', { id: 'dl-countries' }),
      admin1s: h('datalist', { id: 'dl-admin1' }),
      actors: h('datalist', { id: 'dl-actors' }),
    };
    const field = (key: FilterKey, label: string, control: HTMLInputElement | HTMLSelectElement, hint?: string) => {
      control.id = `f-${key}`;
      control.name = key;
      this.inputs.set(key, control);
      return h('div', { class: `field field-${key}` }, h('label', { for: control.id }, label), control, hint ? h('small', {}, hint) : null);
    };
    const text = (type: string, attrs: Record<string, string> = {}) => h('input', { type, autocomplete: 'off', ...attrs });
    const typeSel = h('select', {}, h('option', { value: '' }, 'All types'), EVENT_TYPES.map((t) => h('option', { value: t }, t)));
    const subSel = h('select', {});
    const statusSel = h('select', {}, h('option', { value: '' }, 'Any'), REVIEW_STATUSES.map((s) => h('option', { value: s }, s)));
    typeSel.addEventListener('change', () => { this.fillSubTypes(typeSel.value as EventType | ''); });
    this.form.append(
      h('div', { class: 'row2' },
        field('from', 'From', text('date')),
        field('to', 'To', text('date'))),
      field('q', 'Search text', text('search', { placeholder: 'words in notes and sources' })),
      field('country', 'Country', text('text', { list: 'dl-countries' })),
      field('admin1', 'Admin 1 (province)', text('text', { list: 'dl-admin1' })),
      field('event_type', 'Event type', typeSel),
      field('sub_event_type', 'Sub-event type', subSel),
      field('actor', 'Actor', text('text', { list: 'dl-actors' })),
      h('div', { class: 'row2' },
        field('min_fatalities', 'Min. fatalities', text('number', { min: '0', step: '1', inputmode: 'numeric' })),
        field('review_status', 'Review', statusSel)),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit' }, 'Apply'),
        h('button', { type: 'reset', class: 'secondary' }, 'Reset')),
      this.lists.countries, this.lists.admin1s, this.lists.actors,
    );
    this.fillSubTypes('');
    const emit = () => this.onChange(this.read());
    const emitSoon = debounce(emit, 450);
    for (const [k, el] of this.inputs) {
      if (el instanceof HTMLSelectElement || el.type === 'date' || el.type === 'number') el.addEventListener('change', emit);
      else el.addEventListener('input', emitSoon);
      if (k === 'country') el.addEventListener('change', emit);
    }
    this.form.addEventListener('submit', (e) => { e.preventDefault(); emit(); });
    this.form.addEventListener('reset', (e) => {
      e.preventDefault();
      this.write({});
      emit();
    });
  }

  private fillSubTypes(type: EventType | ''): void {
    const sel = this.inputs.get('sub_event_type') as HTMLSelectElement;
    const keep = sel.value;
    clear(sel);
    sel.append(h('option', { value: '' }, 'All sub-types'));
    const types = type ? [type] : EVENT_TYPES;
    for (const t of types) {
      const subs = Object.keys(SUB_EVENT_TYPES[t]);
      const group = h('optgroup', { label: t });
      for (const s of subs) group.append(h('option', { value: s }, s));
      sel.append(group);
    }
    sel.value = [...sel.options].some((o) => o.value === keep) ? keep : '';
  }

  read(): Filter {
    const f: Filter = {};
    for (const k of FILTER_KEYS) {
      const v = this.inputs.get(k)?.value.trim();
      if (v) f[k] = v;
    }
    if (f.min_fatalities && !/^\d+$/.test(f.min_fatalities)) delete f.min_fatalities;
    return f;
  }

  write(f: Filter): void {
    const typeSel = this.inputs.get('event_type') as HTMLSelectElement;
    typeSel.value = f.event_type ?? '';
    this.fillSubTypes(typeSel.value as EventType | '');
    for (const k of FILTER_KEYS) {
      const el = this.inputs.get(k);
      if (!el) continue;
      el.value = f[k] ?? '';
      if (el instanceof HTMLSelectElement && el.value !== (f[k] ?? '')) {
        // a value from a shared URL that the list doesn't have: keep it visible rather than dropping it
        el.append(h('option', { value: f[k]! }, f[k]!));
        el.value = f[k]!;
      }
    }
  }

  /** Suggestions from the stats of the current view. */
  suggest(stats: StatsResponse): void {
    const fill = (dl: HTMLDataListElement, values: string[]) => {
      clear(dl);
      for (const v of [...new Set(values)].slice(0, 300)) dl.append(h('option', { value: v }));
    };
    fill(this.lists.countries, stats.by_admin1.map((a) => a.country));
    fill(this.lists.admin1s, stats.by_admin1.map((a) => a.admin1).filter((a): a is string => !!a));
    fill(this.lists.actors, stats.by_actor.map((a) => a.actor));
  }
}
