import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createAlerter,
  dailyCounts,
  detectEscalations,
  escalation,
  parseZoneInput,
  poissonUpperTail,
} from '../../src/alerts/index.js';
import type { StoredEvent } from '../../src/model/index.js';
import { makeEvent, tempRepo } from './helpers.js';

/** A deterministic "steady" daily series: about `perWeek` events a week spread over the days. */
function steady(days: number, perWeek: number): number[] {
  const out: number[] = [];
  let acc = 0;
  for (let i = 0; i < days; i++) {
    acc += perWeek / 7;
    const n = Math.floor(acc);
    out.push(n);
    acc -= n;
  }
  return out;
}

test('poissonUpperTail matches known values', () => {
  assert.equal(poissonUpperTail(0, 3), 1);
  // P(X >= 3 | mu = 1) = 1 - e^-1 (1 + 1 + 1/2) = 0.0803013970713942
  assert.ok(Math.abs(poissonUpperTail(3, 1) - 0.0803013970713942) < 1e-12);
  // P(X >= 10 | mu = 4) = 0.008132242...
  assert.ok(Math.abs(poissonUpperTail(10, 4) - 0.00813224) < 1e-7);
  // Far in the tail and far below the mean stay within [0, 1].
  assert.ok(poissonUpperTail(400, 4) >= 0 && poissonUpperTail(400, 4) < 1e-100);
  assert.ok(Math.abs(poissonUpperTail(5, 500) - 1) < 1e-12);
});

test('escalation flags a synthetic surge and not the steady baseline', () => {
  const baseline = steady(56, 4.1);
  // Steady: the recent week looks like the baseline.
  const calm = escalation([...baseline, ...steady(7, 4.1)]);
  assert.equal(calm.escalated, false);
  assert.ok(calm.p_value > 0.1, `p=${calm.p_value}`);

  // A normal bad week (7 events against ~4/week) is not an escalation at p < 0.01 either.
  const bumpy = escalation([...baseline, 1, 1, 1, 1, 1, 1, 1]);
  assert.equal(bumpy.escalated, false, `p=${bumpy.p_value}`);

  // Surge: 23 events in the last 7 days.
  const surge = escalation([...baseline, 2, 3, 4, 3, 4, 3, 4]);
  assert.equal(surge.recent, 23);
  assert.equal(surge.escalated, true);
  assert.ok(surge.p_value < 1e-6);
  assert.ok(Math.abs(surge.baseline_per_week - (baseline.reduce((a, b) => a + b, 0) / 56) * 7) < 1e-9);
  assert.ok(surge.ratio > 4);
});

test('a quiet place does not escalate on a handful of events (minimum count), but does on many', () => {
  const zeros = new Array(56).fill(0);
  const few = escalation([...zeros, 0, 1, 0, 1, 0, 1, 0]);
  assert.equal(few.recent, 3);
  assert.ok(few.p_value < 0.01, 'statistically surprising...');
  assert.equal(few.escalated, false, '...but below the minimum of 5 events');
  assert.equal(escalation([...zeros, 1, 1, 1, 1, 1, 1, 0]).escalated, true);
  assert.equal(escalation([...zeros, 1, 1, 1, 1, 1, 1, 0], { minEvents: 10 }).escalated, false);
  // No baseline at all: nothing to compare with.
  assert.equal(escalation([5, 5, 5, 5, 5, 5, 5]).escalated, false);
});

test('dailyCounts buckets dates into a window ending on a day', () => {
  assert.deepEqual(dailyCounts(['2024-07-21', '2024-07-23', '2024-07-23', '2024-07-24', '2024-07-10'], '2024-07-23', 3), [1, 0, 2]);
});

function eventsFromSeries(series: number[], endDay: string, over: Partial<StoredEvent>): StoredEvent[] {
  const end = Date.parse(endDay + 'T00:00:00Z');
  const out: StoredEvent[] = [];
  series.forEach((n, i) => {
    const day = new Date(end - (series.length - 1 - i) * 86_400_000).toISOString().slice(0, 10);
    for (let k = 0; k < n; k++) out.push(makeEvent({ event_date: day, ...over }));
  });
  return out;
}

test('detectEscalations names the area, the type and the numbers, per admin1 and per zone', () => {
  const now = new Date('2024-07-23T18:00:00Z');
  const baseline = steady(56, 4.1);
  const idlibShelling = eventsFromSeries([...baseline, 2, 3, 4, 3, 4, 3, 4], '2024-07-23', {
    admin1: 'Idlib', sub_event_type: 'Shelling/artillery/missile attack', latitude: 35.8, longitude: 36.6,
  });
  // Aleppo: steady clashes, no surge.
  const aleppoClashes = eventsFromSeries([...steady(56, 6), ...steady(7, 6)], '2024-07-23', {
    admin1: 'Aleppo', event_type: 'Battles', sub_event_type: 'Armed clash', latitude: 36.2, longitude: 37.1,
  });
  const zone = {
    ...parseZoneInput({ name: 'South Idlib box', geometry: { type: 'Polygon', coordinates: [[[36.5, 35.7], [36.7, 35.7], [36.7, 35.9], [36.5, 35.9], [36.5, 35.7]]] } }),
    id: 'z1', radius_km: 0, filters: {}, description: null, created_at: '',
  };
  const found = detectEscalations([...idlibShelling, ...aleppoClashes], { now, zones: [zone] });
  assert.equal(found.length, 2, found.map((f) => f.message).join('\n'));
  const byScope = Object.fromEntries(found.map((f) => [f.scope, f]));
  assert.equal(byScope.admin1!.area, 'Idlib');
  assert.equal(byScope.admin1!.group.level, 'sub_event_type', 'the most specific group is reported');
  assert.match(byScope.admin1!.message, /^Shelling events in Idlib: 23 in the last 7 days vs 4\.0\/week baseline/);
  assert.equal(byScope.zone!.area, 'South Idlib box');
  assert.equal(byScope.zone!.zone_id, 'z1');
  assert.ok(!found.some((f) => f.area === 'Aleppo'));

  // As alerts: raised once per area, group and day.
  const t = tempRepo();
  try {
    t.repo.addZone({ name: 'South Idlib box', geometry: zone.geometry, radius_km: 0 });
    const alerter = createAlerter({ repo: t.repo, webhooks: false });
    const first = alerter.checkEscalations([...idlibShelling, ...aleppoClashes], { now });
    assert.equal(first.alerts.length, 2);
    assert.ok(first.alerts.every((a) => a.kind === 'escalation'));
    assert.equal(alerter.checkEscalations([...idlibShelling, ...aleppoClashes], { now }).alerts.length, 0);
    assert.equal(t.repo.listAlerts({ kind: 'escalation' }).length, 2);
  } finally {
    t.cleanup();
  }
});

test('the escalation monitor reads the store and raises escalation alerts once', async () => {
  const { openStore } = await import('../../src/store/index.js');
  const { startEscalationMonitor } = await import('../../src/alerts/index.js');
  const store = await openStore({ path: ':memory:' });
  const t = tempRepo();
  try {
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    await store.bulkInsert([
      ...[50, 30, 10].map((n) => makeEvent({ event_date: day(n), admin1: 'Hama', location: 'Old' })),
      ...Array.from({ length: 8 }, (_, i) => makeEvent({ event_date: day(i % 5), admin1: 'Hama', location: 'New' })),
    ]);
    const heard: string[] = [];
    const alerter = createAlerter({ repo: t.repo, webhooks: false, onAlert: (a) => heard.push(a.message) });
    const ac = new AbortController();
    const mon = startEscalationMonitor({ store, alerter, signal: ac.signal, intervalMs: 60_000 });
    const first = await mon.runNow();
    const again = await mon.runNow();
    ac.abort();
    await mon.idle();
    await alerter.idle();
    assert.equal(first.length + again.length, 1, 'one escalation alert, not repeated');
    assert.equal(heard.length, 1);
    assert.match(heard[0]!, /^Shelling events in Hama: 8 in the last 7 days vs 0\.4\/week baseline/);
  } finally {
    await store.close();
    t.cleanup();
  }
});
