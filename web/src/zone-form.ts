/**
 * "New watch zone": a point + radius zone created from the dashboard. The centre is typed as "lat, lon"
 * or set by a click on the map while the form is open. POST /api/watch-zones, then the caller redraws the zones.
 */
import type * as maplibregl from 'maplibre-gl';
import { api, ApiError } from './api.js';
import { h } from './dom.js';

export function parseCentre(s: string): [number, number] | null {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*[,\s]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(s);
  if (!m) return null;
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) return null;
  return [lat, lon];
}

export function zoneForm(map: maplibregl.Map, onCreated: () => Promise<void>): HTMLElement {
  const name = h('input', { id: 'zone-name', type: 'text', required: true, maxlength: 200, autocomplete: 'off' });
  const radius = h('input', { id: 'zone-radius', type: 'number', min: 0.1, max: 1000, step: 'any', value: 5, required: true });
  const centre = h('input', { id: 'zone-centre', type: 'text', placeholder: 'lat, lon', autocomplete: 'off', 'aria-describedby': 'zone-hint' });
  const msg = h('p', { class: 'zone-message', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, 'Create zone');
  const cancel = h('button', { type: 'button' }, 'Cancel');
  const form = h('form', { class: 'zone-form', hidden: true, 'aria-label': 'New watch zone' },
    h('label', { for: 'zone-name' }, 'Zone name'), name,
    h('label', { for: 'zone-radius' }, 'Radius (km)'), radius,
    h('label', { for: 'zone-centre' }, 'Centre (lat, lon)'), centre,
    h('p', { id: 'zone-hint', class: 'hint' }, 'Click the map to set the centre, or type it.'),
    h('div', { class: 'zone-buttons' }, submit, cancel),
    msg);
  const toggle = h('button', { type: 'button', class: 'zone-toggle', 'aria-expanded': 'false', 'aria-controls': 'zone-form' }, 'New watch zone');
  form.id = 'zone-form';

  const setOpen = (open: boolean) => {
    form.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    map.getCanvas().style.cursor = open ? 'crosshair' : '';
    if (open) name.focus();
    else toggle.focus();
  };
  toggle.addEventListener('click', () => setOpen(form.hidden));
  cancel.addEventListener('click', () => setOpen(false));
  form.addEventListener('keydown', (e) => { if (e.key === 'Escape') setOpen(false); });
  map.on('click', (e) => {
    if (form.hidden) return;
    centre.value = `${e.lngLat.lat.toFixed(5)}, ${e.lngLat.lng.toFixed(5)}`;
    msg.textContent = `Centre set to ${centre.value}.`;
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const c = parseCentre(centre.value);
    const r = Number(radius.value);
    if (!name.value.trim()) { msg.textContent = 'Give the zone a name.'; name.focus(); return; }
    if (!c) { msg.textContent = 'Set the centre: click the map or type "lat, lon".'; centre.focus(); return; }
    if (!(r > 0)) { msg.textContent = 'The radius must be a positive number of km.'; radius.focus(); return; }
    submit.disabled = true;
    msg.textContent = 'Creating…';
    api.createZone({ name: name.value.trim(), geometry: { type: 'Point', coordinates: [c[1], c[0]] }, radius_km: r })
      .then(async () => {
        await onCreated();
        msg.textContent = `Watch zone "${name.value.trim()}" created.`;
        name.value = '';
        centre.value = '';
      })
      .catch((err: unknown) => {
        msg.textContent = `Could not create the zone: ${err instanceof ApiError ? err.message : String(err)}`;
      })
      .finally(() => { submit.disabled = false; });
  });
  return h('div', { class: 'zone-control' }, toggle, form);
}
