import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { briefCommand, buildBrief, parseZoneInput, renderMapSvg, type Zone } from '../../src/alerts/index.js';
import type { StoredEvent } from '../../src/model/index.js';
import { makeEvent, tempRepo } from './helpers.js';

const NOW = new Date('2024-07-24T09:00:00Z');

function fixture(): StoredEvent[] {
  const evs: StoredEvent[] = [
    makeEvent({ event_date: '2024-07-23', location: 'Sample Village', admin1: 'Idlib', latitude: 35.75, longitude: 36.55, fatalities: 3,
      sources: [{ document_id: 'd1', source: 'Example Wire', url: 'https://example.org/a?x=1&y=2', title: 'Shelling <script>alert(1)</script> kills three', published: '2024-07-23' }] }),
    makeEvent({ event_date: '2024-07-24', event_type: 'Battles', sub_event_type: 'Armed clash', actor2: 'Hayat Tahrir al-Sham',
      location: 'Testville', admin1: 'Idlib', latitude: 35.9, longitude: 36.62, fatalities: 1 }),
    makeEvent({ event_date: '2024-07-23', location: 'North Town', admin1: 'Aleppo', latitude: 36.5, longitude: 37.0,
      sources: [{ document_id: 'd3', source: 'Bad | Source *', url: 'javascript:alert(1)', title: null, published: null }] }),
    // outside the 24 h window
    makeEvent({ event_date: '2024-07-10', location: 'Old Place', admin1: 'Idlib', latitude: 35.8, longitude: 36.6, fatalities: 9 }),
    // rejected by review
    makeEvent({ event_date: '2024-07-24', location: 'Rejected Place', admin1: 'Idlib', review_status: 'rejected', latitude: 35.8, longitude: 36.6 }),
  ];
  return evs;
}

test('buildBrief counts the window by type and area, lists notable events, and respects scope', () => {
  const b = buildBrief({ events: fixture(), since: '24h', now: NOW });
  assert.equal(b.total, 3);
  assert.equal(b.fatalities, 4);
  assert.deepEqual(b.by_area.map((a) => [a.admin1, a.count]), [['Idlib', 2], ['Aleppo', 1]]);
  assert.deepEqual(b.by_type.map((t) => [t.sub_event_type, t.count]), [['Shelling/artillery/missile attack', 2], ['Armed clash', 1]]);
  assert.equal(b.notable[0]!.location, 'Sample Village', 'most fatalities first');

  const idlib = buildBrief({ events: fixture(), since: '24h', now: NOW, admin1: 'idlib' });
  assert.equal(idlib.total, 2);
  const week = buildBrief({ events: fixture(), since: '30d', now: NOW, admin1: 'Idlib' });
  assert.equal(week.total, 3);

  const zi = parseZoneInput({ name: 'Clinic', geometry: { type: 'Point', coordinates: [36.62, 35.9] }, radius_km: 5 });
  const zone: Zone = { ...zi, id: 'z', radius_km: 5, filters: {}, description: null, created_at: '' };
  const inZone = buildBrief({ events: fixture(), since: '24h', now: NOW, zone });
  assert.deepEqual(inZone.events.map((e) => e.location), ['Testville']);
  assert.match(inZone.title, /Clinic/);
});

test('a Markdown brief renders with its SVG map next to it, escaping untrusted text', async () => {
  const t = tempRepo();
  try {
    t.repo.addZone(parseZoneInput({ name: 'Clinic <b>', geometry: { type: 'Point', coordinates: [36.62, 35.9] }, radius_km: 20 }));
    const out = join(t.dir, 'briefs', 'today.md');
    const r = await briefCommand({ since: '24h', events: fixture(), now: NOW, format: 'md', out, repo: t.repo });
    assert.equal(r.path, out);
    assert.equal(r.mapPath, join(t.dir, 'briefs', 'today.map.svg'));
    const md = readFileSync(out, 'utf8');
    const svg = readFileSync(r.mapPath, 'utf8');
    assert.match(md, /^# Situation brief: all areas, last 24h/);
    assert.match(md, /!\[Map of the events\]\(today\.map\.svg\)/);
    assert.match(md, /\| Idlib \| 2 \| 4 \|/);
    assert.match(md, /\*\*3\*\* events, \*\*4\*\* reported killed/);
    assert.doesNotMatch(md, /<script>/, 'source titles are escaped');
    assert.match(md, /\[Shelling &lt;script&gt;alert\(1\)&lt;\/script&gt; kills three\]\(<https:\/\/example\.org\/a\?x=1&y=2>\)/);
    assert.doesNotMatch(md, /javascript:/, 'non-http links are not linked');
    assert.match(md, /Bad \\\| Source \\\*/);
    // The map: a real SVG with country outlines, the three window events and the zone.
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal((svg.match(/<circle class="ev"/g) ?? []).length, 3);
    assert.ok((svg.match(/<path d="M/g) ?? []).length >= 3, 'country outlines');
    assert.match(svg, />Syria</);
    assert.match(svg, /<title>Clinic &lt;b&gt;<\/title>/);
    assert.doesNotMatch(svg, /<b>/);
  } finally {
    t.cleanup();
  }
});

test('an HTML brief for a zone by name, with an escalation in it', async () => {
  const t = tempRepo();
  try {
    t.repo.addZone(parseZoneInput({ name: 'South box', geometry: { type: 'Polygon', coordinates: [[[36.4, 35.6], [36.8, 35.6], [36.8, 36.0], [36.4, 36.0], [36.4, 35.6]]] } }));
    // A surge: 12 shelling events in the last week, none in the 8 weeks before.
    const events = [
      ...fixture(),
      ...Array.from({ length: 12 }, (_, i) =>
        makeEvent({ event_date: `2024-07-${String(18 + (i % 7)).padStart(2, '0')}`, latitude: 35.7, longitude: 36.5, admin1: 'Idlib' })),
    ];
    const out = join(t.dir, 'brief.html');
    const r = await briefCommand({ since: '7d', zone: 'south box', events, now: NOW, format: 'html', out, repo: t.repo });
    const html = readFileSync(out, 'utf8');
    assert.ok(existsSync(r.mapPath));
    assert.match(html, /<img src="brief\.map\.svg" alt="Map of the events">/);
    assert.match(html, /<li class="esc">Shelling events in South box: 13 in the last 7 days vs 0\.1\/week baseline \(expected 0\.2, p=/);
    assert.doesNotMatch(html, /<script>alert/);
    assert.match(html, /Shelling &lt;script&gt;alert\(1\)&lt;\/script&gt; kills three/);
    await assert.rejects(briefCommand({ since: '24h', zone: 'nope', events, now: NOW, out, repo: t.repo }), /no watch zone "nope"/);
    await assert.rejects(briefCommand({ since: 'yesterday', events, now: NOW, out, repo: t.repo }), /not a duration/);
  } finally {
    t.cleanup();
  }
});

test('the map renders with no events at all', () => {
  const svg = renderMapSvg([], []);
  assert.match(svg, /<svg /);
  assert.match(svg, />Syria</);
  assert.equal((svg.match(/class="ev"/g) ?? []).length, 0);
});
