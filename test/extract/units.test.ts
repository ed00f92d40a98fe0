/** Unit behaviour of the extractor's parts: numbers and casualties, dates, triggers, hedging, actors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findCasualties, parseNumber } from '../../src/extract/numbers.js';
import { findDates, parsePublished } from '../../src/extract/dates.js';
import { canonicalActorName, loadLexicon, matchActors, resolveActor } from '../../src/extract/lexicon.js';
import { loadGeocoder } from '../../src/geo/index.js';
import { createExtractor } from '../../src/extract/index.js';
import { normPlace } from '../../src/eval/score.js';
import { ALL_SUB_EVENT_TYPES, CodedEventSchema, INTER_CODES } from '../../src/model/index.js';

const extractor = createExtractor(loadGeocoder());
const code = (text: string, published: string | null = '2024-07-23') => extractor.extract({ id: 't', text, published });

test('numbers in words and digits', () => {
  assert.deepEqual(parseNumber('twenty-five'), { value: 25, approximate: false });
  assert.deepEqual(parseNumber('1,200'), { value: 1200, approximate: false });
  assert.deepEqual(parseNumber('dozens'), { value: 12, approximate: true });
  assert.deepEqual(parseNumber('a'), { value: 1, approximate: false });
  assert.equal(parseNumber('several'), null);
});

test('casualties: killed vs injured, sums, a/an, subsets not counted twice', () => {
  const sum = (t: string, kind: 'killed' | 'injured') => findCasualties(t).filter((c) => c.kind === kind).reduce((a, c) => a + c.value, 0);
  assert.equal(sum('Two children and a woman were killed in the strike.', 'killed'), 3);
  assert.equal(sum('A Syrian soldier was injured late Monday.', 'injured'), 1);
  assert.equal(sum('The blast killed three civilians and wounded 12 others.', 'killed'), 3);
  assert.equal(sum('The blast killed three civilians and wounded 12 others.', 'injured'), 12);
  assert.equal(sum('At least five people were killed, including two children.', 'killed'), 5);
  const dozens = findCasualties('Dozens were killed when the market was hit.');
  assert.ok(dozens.every((c) => c.approximate));
  assert.equal(sum('No casualties were reported.', 'killed'), 0);
});

test('dates resolve against the publication date, never forward', () => {
  const anchor = parsePublished('2024-07-23')!;
  assert.equal(findDates('a soldier was injured late Monday', anchor)[0]?.date, '2024-07-22');
  assert.equal(findDates('On July 22, clashes erupted', anchor)[0]?.date, '2024-07-22');
  assert.equal(findDates('yesterday', anchor)[0]?.date, '2024-07-22');
  const since = findDates('Since July 6, the army has bombed the area', anchor)[0]!;
  assert.equal(since.since, true);
  assert.equal(since.precision, 3);
  assert.equal(findDates('in March 2019 the group was defeated', anchor)[0]?.old, true);
});

test('dictionaries are valid: known sub-event types, inter codes, canonical names resolve', () => {
  const lex = loadLexicon();
  for (const spec of Object.values(lex.classes)) for (const sub of Object.values(spec)) assert.ok(ALL_SUB_EVENT_TYPES.includes(sub));
  for (const a of lex.named) assert.ok(a.inter in INTER_CODES, a.name);
  assert.equal(canonicalActorName(lex, 'regime forces', 'Syria'), 'Military Forces of Syria');
  assert.equal(canonicalActorName(lex, 'HTS', 'Syria'), 'Hayat Tahrir al-Sham');
  assert.equal(canonicalActorName(lex, 'Tahrir al-Sham', 'Syria'), 'Hayat Tahrir al-Sham');
  assert.equal(canonicalActorName(lex, 'gunmen', 'Iraq'), 'Unidentified Armed Group (Iraq)');
  assert.equal(canonicalActorName(lex, 'Islamist militants (jihadist groups)', 'Syria'), 'Islamist Militia (Syria)');
});

test('passive voice and nominalisation: actor1 acts, actor2 is hit', () => {
  const [e] = code('Heavy artillery shelling by Turkish forces targeted the village of Harbal north of Aleppo late Monday, injuring a Syrian soldier.');
  assert.ok(e);
  assert.equal(e.sub_event_type, 'Shelling/artillery/missile attack');
  assert.equal(e.actor1, 'Military Forces of Turkey');
  assert.equal(e.actor2, 'Military Forces of Syria');
  assert.equal(e.injuries, 1);
  assert.equal(e.event_date, '2024-07-22');
  const [p] = code('Two civilians were killed on Sunday by unidentified gunmen in the town of Sarmada.');
  assert.ok(p);
  assert.equal(p.sub_event_type, 'Attack');
  assert.equal(p.actor1, 'Unidentified Armed Group (Syria)');
  assert.equal(p.actor2, 'Civilians (Syria)');
  assert.equal(p.civilian_targeting, 'Civilian targeting');
  assert.equal(p.fatalities, 2);
});

test('threats, warnings, denials and history are not events', () => {
  assert.deepEqual(code('Turkey threatened to strike the town of Tal Rifaat if attacks continued.'), []);
  assert.deepEqual(code('The army denied that it had shelled the town of Sarmin.'), []);
  assert.deepEqual(code('Residents warned of renewed airstrikes on the town of Ariha.'), []);
  assert.deepEqual(code('In 2017, regime forces shelled the town of Khan Shaykhun repeatedly.'), []);
});

test('one event per place: a list of villages gives one event each; the toll goes to one event only', () => {
  const events = code('Russian warplanes carried out airstrikes on the villages of Kansafra, al-Bara and Fleifel on Sunday, killing four civilians.');
  assert.equal(events.length, 3);
  assert.ok(events.every((e) => e.sub_event_type === 'Air/drone strike' && e.actor1 === 'Military Forces of Russia'));
  assert.equal(events.reduce((a, e) => a + e.fatalities, 0), 4);
});

test('no publication date and no absolute date: event_date is null; ids are deterministic', () => {
  const a = code('Government forces shelled the town of Kafr Nabl on Tuesday.', null);
  const b = code('Government forces shelled the town of Kafr Nabl on Tuesday.', null);
  assert.equal(a.length, 1);
  assert.equal(a[0]!.event_date, null);
  assert.equal(a[0]!.event_id_cnty, b[0]!.event_id_cnty);
  assert.match(a[0]!.event_id_cnty, /^SYR\d+$/);
  CodedEventSchema.parse(a[0]);
});

test('hostile input does not throw', () => {
  assert.deepEqual(code(''), []);
  assert.deepEqual(code('\u0000\u0001 ((( [[[ '.repeat(1000)), []);
  code('Shelled '.repeat(5000));
});

test('tolls tied to places in one sentence go to those places; bodies found do not undercut a stated toll', () => {
  const per = code('On Monday six civilians were killed in regime shelling on Kafr Nabl, two were killed in regime shelling on Hass and a child was killed by regime shelling on Maarat al-Numan.');
  assert.deepEqual(per.map((e) => e.fatalities).sort(), [1, 2, 6]);
  const after = code('Regime forces shelled the towns of Kafr Nabl, Hass and Ariha on Monday, killing six civilians in Hass.');
  assert.deepEqual(after.map((e) => e.fatalities).sort(), [0, 0, 6]);
  const before = code('Regime forces shelled the town of Ariha in the Idlib countryside on Monday, which killed a woman and her son.');
  assert.equal(before[0]?.fatalities, 2);
  const bodies = code('Gunmen attacked farmers near the village of Kafr Nabl in Idlib on Sunday, killing at least nine. Rescuers said four bodies were recovered on Sunday and five more were found on Monday.');
  assert.equal(bodies[0]?.fatalities, 9);
  assert.equal(findCasualties('Medics said three bodies were pulled from the rubble of the house.')[0]?.value, 3);
  // a subset after "including" does not swallow the next toll
  const sub = findCasualties('Nine people were killed in Hass including a woman and a boy, 4 people were killed in Ariha.');
  assert.deepEqual(sub.map((c) => c.value), [9, 4]);
});

test('provisional tolls give way; "N of the X were killed"; a number inside a time phrase is not a victim', () => {
  const prov = code('Jihadists ambushed a Malian army convoy near Gao on Friday, leaving at least 20 people dead, officials said. A local official said on Friday that at least 6 people had been killed near Gao, a very provisional toll.');
  assert.equal(prov[0]?.fatalities, 20);
  assert.equal(findCasualties('Sources said at least 5 of the local guard units were killed in the fighting.')[0]?.value, 5);
  const t = findCasualties('The raid came a week after four soldiers were killed at the same checkpoint.');
  assert.deepEqual(t.map((c) => c.value), [4]);
});

test('geocoder calls: whole admin names as hints, the hinted area kept over a far namesake, its precision kept', () => {
  const [unknown] = code('Unidentified gunmen killed two shepherds on Monday near the village of Zarqawiyat Tahtani in the eastern Deir ez-Zor countryside.');
  assert.equal(unknown?.admin1, 'Deir ez-Zor');
  assert.equal(unknown?.geo_precision, 3);
  assert.equal(unknown?.location, 'Zarqawiyat Tahtani');
  const [hinted] = code('Turkish jets struck PKK positions near the village of Hisar in Hakkari province on Monday, the army said.');
  assert.equal(hinted?.admin1, 'Hakkari');
});

test('a place after a hedged mention is no event; one place and day under two spellings is one event', () => {
  const ev = code('Israeli troops raided the city of Jenin in the occupied West Bank on Wednesday, killing two gunmen, among them the brother of a man blamed for a deadly attack in Tel Aviv.');
  assert.ok(ev.length > 0 && ev.every((e) => normPlace(e.location) !== normPlace('Tel Aviv')), JSON.stringify(ev.map((e) => e.location)));
  const twice = code('Islamic State fighters attacked SDF positions in Deir ez-Zor on Monday. The SDF said it repelled the attack by the cell in the Deir-ez-Zor countryside on Monday.');
  const places = twice.filter((e) => e.sub_event_type === 'Armed clash').map((e) => `${e.latitude},${e.longitude}`);
  assert.equal(new Set(places).size, places.length);
});

test('an admin area named as such is resolved without hints (a dateline province is not placed in another province)', () => {
  const ev = code('Diyala (Newswire) – Two Iraqi soldiers were wounded on Sunday when a roadside bomb struck their patrol in Diyala, police in Baghdad said.');
  assert.ok(ev.length > 0);
  assert.ok(ev.every((e) => e.admin1 === 'Diyala'), JSON.stringify(ev.map((e) => [e.location, e.admin1, e.geo_note])));
});

test('"a day after the raid" is relative to another event; undated reports judge nothing old by distance', () => {
  assert.deepEqual(findDates('The attack came a day after six farmers were killed near the town.', new Date(Date.UTC(2019, 11, 16, 12)), 0), []);
  const undated = extractor.extract({ id: 'u', text: 'On August 10, Turkish drones struck SDF positions in the town of Qamishli, killing two fighters.', published: null });
  assert.equal(undated.length, 1);
});

test('killing verbs beyond "killed": hacked to death, gunned down, massacred; "executed ten airstrikes" is no toll', () => {
  assert.equal(findCasualties('Militiamen hacked to death at least 22 villagers overnight.')[0]?.value, 22);
  assert.equal(findCasualties('Gunmen gunned down three farmers near the well.')[0]?.value, 3);
  assert.equal(findCasualties('Four shepherds were gunned down on the road.')[0]?.value, 4);
  assert.deepEqual(findCasualties('Jets executed nearly ten airstrikes on the hills; two people were killed.').map((c) => c.value), [2]);
});

test('a page date stamp is not the event date; "sources said yesterday" dates the event', () => {
  const [e] = code('date 2024-02-25 (Wire) GAZA, Feb 25 – Five people were killed in an Israeli airstrike on a house in the city of Rafah, medical sources said yesterday.', '2024-02-25');
  assert.equal(e?.event_date, '2024-02-24');
});

test('attributed strikes go to the named state; passive victims before the trigger do not act', () => {
  const a = code('On Monday, jets believed to be Israeli bombed positions of Iran-backed militias near Albu Kamal in Deir ez-Zor, killing six fighters.');
  assert.equal(a[0]?.actor1, 'Military Forces of Israel');
  const b = code('A drone strike attributed to Turkey hit a depot near Qamishli in Hasakah province on Sunday, killing two SDF fighters.');
  assert.equal(b[0]?.actor1, 'Military Forces of Turkey');
  // the militiamen suffer the strike: no event is better than one where they are the attackers
  const c = code('Six Iran-backed militiamen were killed in airstrikes on their positions near Albu Kamal in Deir ez-Zor on Monday.');
  assert.ok(c.every((e) => e.actor1 !== 'Militia (Pro-Iran)'));
  const d = code('Four police officers were killed on Monday when Taliban fighters attacked their checkpoint in Nawa district, Helmand province.');
  assert.equal(d[0]?.actor1, 'Taliban');
});

test('clashes "between X and Y" keep the text order; local and former rebel factions are Opposition Rebels', () => {
  const a = code('On Monday, clashes broke out between local factions and regime forces in Inkhil city in northern Daraa countryside.');
  assert.deepEqual([a[0]?.actor1, a[0]?.actor2], ['Opposition Rebels (Syria)', 'Military Forces of Syria']);
  const b = code('On Monday, fierce fighting erupted between regime forces and former rebels in Inkhil city in Daraa province.');
  assert.deepEqual([b[0]?.actor1, b[0]?.actor2], ['Military Forces of Syria', 'Opposition Rebels (Syria)']);
});

test('active killing verbs count their victims, not their strikes; collateral attacks fold into the battle', () => {
  const sum = (t: string) => findCasualties(t).filter((c) => c.kind === 'killed').reduce((a, c) => a + c.value, 0);
  assert.equal(sum('Soldiers shot dead three shepherds near the border.'), 3);
  assert.equal(sum('Militants executed four captured men.'), 4);
  assert.equal(sum('Jets executed nearly ten airstrikes on the hills.'), 0);
  const e = code('Israeli forces raided Jenin in the West Bank on Monday and clashed with Palestinian gunmen. Three civilians were killed by Israeli fire in Jenin during the raid.');
  assert.equal(e.length, 1);
  assert.equal(e[0]?.sub_event_type, 'Armed clash');
  assert.equal(e[0]?.fatalities, 3);
});

test('"between two armed groups: X and Y" names X and Y; spelling variants of named groups resolve', () => {
  const e = code('The clashes in Tripoli on Friday were between two powerful armed groups: the Al-Radaa force and the Tripoli Revolutionary Brigade. At least 13 people were killed.');
  assert.deepEqual([e[0]?.actor1, e[0]?.actor2, e[0]?.fatalities], ['Radaa Special Deterrence Forces', 'Tripoli Revolutionaries Brigade', 13]);
  const lex = loadLexicon();
  for (const [alias, name] of [['Hurras al-Dien', 'Hurras al-Din'], ["former regime's remnants", 'Assad Loyalists (Syria)']] as const) {
    const ref = lex.actorLookup.get(alias.toLowerCase().replace(/’/g, "'")) ?? [...lex.actorLookup.entries()].find(([k]) => k === alias.toLowerCase())?.[1];
    assert.ok(ref && ref.kind === 'named' && ref.actor.name === name, alias);
  }
});

test('"escorted/held/backed by X" names the target\'s side, not the attacker', () => {
  const e = code('On Saturday an attack on a convoy escorted by the Malian army near Gao left 12 people dead.');
  assert.ok(e.length >= 1);
  assert.notEqual(e[0]?.actor1, 'Military Forces of Mali');
  const f = code('On Saturday, a drone struck a checkpoint held by the SDF near Qamishli in Hasakah province.');
  assert.notEqual(f[0]?.actor1, 'SDF: Syrian Democratic Forces');
});

test('a breakdown after a stated total is its parts: the total stands, not the last part', () => {
  const ev = code(
    'Heavy fighting broke out on Monday in the town of Jisr al-Shughur between rebels and government troops, leaving at least 30 dead. ' +
      'Twelve soldiers were killed, while 15 militants and three civilians were also killed, a monitor said.',
  );
  assert.equal(ev.length, 1);
  assert.equal(ev[0]!.fatalities, 30);
});

test('loyalists described by a phrase, not an alias: fighters loyal to / aligned with the ousted regime', () => {
  const lex = loadLexicon();
  for (const t of [
    'gunmen loyal to the former regime ambushed a patrol',
    "militants aligned with ousted President Bashar al-Assad's regime",
    'remnants of the deposed government',
    "the defunct regime's fighters",
  ]) {
    const names = matchActors(lex, t).map((m) => resolveActor(lex, m.ref, 'Syria').name);
    assert.deepEqual(names, ['Assad Loyalists (Syria)'], t);
  }
  // the phrase needs its parts: a bare 'former government' is no actor
  assert.equal(matchActors(lex, 'the former government said').length, 0);
  const ev = code('Fighters loyal to the ousted regime attacked a checkpoint of the security forces in Jableh on Sunday, killing two.');
  assert.equal(ev[0]?.actor1, 'Assad Loyalists (Syria)');
});

test('hyphenated attribution: X-linked/-led/-affiliated attacks and groups are X; X-backed groups stay the proxy', () => {
  const lex = loadLexicon();
  const names = (t: string, country = 'Syria') => matchActors(lex, t).map((m) => resolveActor(lex, m.ref, country).name);
  assert.deepEqual(names('an Islamic State-linked raid on the farm'), ['Islamic State (Syria)']);
  assert.deepEqual(names('HTS-affiliated gunmen opened fire'), ['Hayat Tahrir al-Sham']);
  assert.deepEqual(names('a US-led raid on a compound'), ['Military Forces of the United States']);
  assert.deepEqual(names('Turkish-backed factions shelled the village'), ['Syrian National Army']);
  // a backer of an unnamed group names no agent, and an unknown stem is nothing
  assert.deepEqual(names('Foo-linked militants'), []);
  const ev = code('An Islamic State-linked attack killed three shepherds near Sukhnah on Tuesday.');
  assert.equal(ev[0]?.actor1, 'Islamic State (Syria)');
});

test('speech-act subjects are sources, not agents; a claim of responsibility or a self-report makes the speaker the agent', () => {
  const one = (t: string) => {
    const ev = code(t);
    assert.equal(ev.length, 1, t);
    return ev[0]!;
  };
  // a group heard only as a source is neither a side nor the group the report is about
  let e = one('Gunmen stormed an army checkpoint in Sukhnah on Friday, killing four soldiers, according to the SDF.');
  assert.equal(e.actor1, 'Unidentified Armed Group (Syria)');
  assert.notEqual(e.actor2, 'SDF: Syrian Democratic Forces');
  e = one('Gunmen stormed an army checkpoint in Sukhnah on Friday, killing four soldiers, the SDF on Friday said.');
  assert.equal(e.actor1, 'Unidentified Armed Group (Syria)');
  e = one('Hezbollah said Israeli drones hit a car in Nabatieh on Friday, killing two people.');
  assert.equal(e.actor1, 'Military Forces of Israel');
  e = one('Islamic State claimed responsibility for the ambush near Sukhnah on Friday that killed five soldiers.');
  assert.equal(e.actor1, 'Islamic State (Syria)');
  e = one('The Israeli military said it struck Hezbollah positions in Nabatieh on Friday, killing two fighters.');
  assert.equal(e.actor1, 'Military Forces of Israel');
});

test('a headline total over several events is not copied onto the part that tells no toll of its own', () => {
  const ev = code(
    'Thirteen killed in Turkish drone strikes. A Turkish drone strike killed nine SDF fighters in Qamishli on Tuesday. ' +
      'Another Turkish drone strike hit a car in Kobani on Tuesday.',
  );
  assert.deepEqual(ev.map((e) => e.fatalities), [9, 0]);
  // a headline toll for the one event the report tells still reaches it
  const one = code('Five killed in Turkish drone strike. A Turkish drone strike hit a car in Kobani on Tuesday.');
  assert.deepEqual(one.map((e) => e.fatalities), [5]);
});

test('clash sides: text order, unless the report names the second side alone as the one that attacked', () => {
  const base = 'Clashes broke out on Friday in Jableh between security forces and fighters loyal to the ousted regime, killing five people.';
  const plain = code(base);
  assert.deepEqual([plain[0]?.actor1, plain[0]?.actor2], ['Military Forces of Syria', 'Assad Loyalists (Syria)']);
  const started = code(`${base} An official said several groups of the former regime's remnants attacked checkpoints around the town.`);
  assert.deepEqual([started[0]?.actor1, started[0]?.actor2], ['Assad Loyalists (Syria)', 'Military Forces of Syria']);
  const by = code(
    'Fighting broke out on Saturday in Kabani between regime forces and Hurras al-Din, killing six soldiers. ' +
      'The fighting followed attacks by Hurras al-Din on army posts near the village.',
  );
  assert.deepEqual([by[0]?.actor1, by[0]?.actor2], ['Hurras al-Din', 'Military Forces of Syria']);
});

test('militants killed while planting a device of their own are the actor of the explosion, with no actor2', () => {
  const ev = code(
    'Three Islamic State militants were killed on Sunday while planting a roadside bomb near the village of Hajin in Deir ez-Zor, local sources said.',
  );
  assert.equal(ev[0]?.sub_event_type, 'Remote explosive/landmine/IED');
  assert.deepEqual([ev[0]?.actor1, ev[0]?.actor2, ev[0]?.fatalities], ['Islamic State (Syria)', null, 3]);
  // a device planted by someone else keeps its unknown planter
  const other = code('Three soldiers were killed on Sunday when a roadside bomb exploded near Hajin in Deir ez-Zor.');
  assert.equal(other[0]?.actor1, 'Unidentified Armed Group (Syria)');
});

test('"an X-linked raid" names X as the agent of the event it qualifies', () => {
  const ev = code('The fighting came a day after a Taliban-linked raid on an army post in Kandahar province on Monday killed nine soldiers.');
  assert.equal(ev[0]?.actor1, 'Taliban');
});

test('a fight in a region keeps its own toll and type beside a town taken there the same days', () => {
  const ev = code(
    'At least eight people died on Thursday when al-Shabaab militants stormed an army camp, a local commander said.\n\n' +
      'Five militants and three Somali soldiers died in the assault in the Middle Shabelle region before dawn on Thursday, the commander said.\n\n' +
      'An official in Mogadishu said al-Shabaab had retaken the town of Mahaday after African Union troops pulled out of it late on Wednesday.',
    '2016-03-04',
  );
  const fight = ev.find((e) => e.sub_event_type === 'Armed clash');
  // (taken after the garrison pulled out, with no fighting told there: a non-violent transfer)
  const taken = ev.find((e) => e.location === 'Mahaday');
  assert.deepEqual([fight?.location, fight?.actor1, fight?.actor2, fight?.fatalities], ['Middle Shabelle', 'Al Shabaab', 'Military Forces of Somalia', 8]);
  assert.deepEqual([taken?.sub_event_type, taken?.fatalities], ['Non-violent transfer of territory', 0]);
});

test('a town taken after the other side left, with no fighting told, is a non-violent transfer; two tellings are one event', () => {
  const ev = code(
    'Al-Shabaab has retaken control of Jowhar, an official in Mogadishu said on Thursday. ' +
      '"The militants captured Jowhar soon after African Union troops vacated the area late on Wednesday," the official said.',
    '2016-03-04',
  );
  const taken = ev.filter((e) => e.admin1 === 'Middle Shabelle');
  assert.equal(taken.length, 1, JSON.stringify(taken.map((e) => [e.event_date, e.sub_event_type])));
  assert.deepEqual([taken[0]?.sub_event_type, taken[0]?.actor1, taken[0]?.actor2, taken[0]?.event_date], ['Non-violent transfer of territory', 'Al Shabaab', null, '2016-03-02']);
  // fighting told in the sentence: a capture by force
  const forced = code('Al-Shabaab captured Jowhar on Wednesday after heavy fighting, shortly after African Union troops withdrew from their base.', '2016-03-04');
  assert.equal(forced[0]?.sub_event_type, 'Non-state actor overtakes territory');
});

test('with no group named, "local fighters" in a report about former rebels are those rebels', () => {
  const ev = code('Government forces searched farms near Daraa city on Monday and clashed with former rebels. Later that day local fighters attacked an army post in the town of Jilin.');
  const jilin = ev.find((e) => e.admin1 === 'Daraa' && e.location !== "Dar'a" && e.location !== 'Daraa');
  assert.equal(jilin?.actor1, 'Opposition Rebels (Syria)', JSON.stringify(ev.map((e) => [e.location, e.actor1])));
  // a named group wins over the pattern: then "fighters" stay as they are coded
  const named = code('Government forces clashed with Hayat Tahrir al-Sham and former rebels near Daraa on Monday. Later local fighters attacked an army post in the town of Jilin.');
  assert.notEqual(named.find((e) => e.location !== "Dar'a" && e.location !== 'Daraa')?.actor1, 'Opposition Rebels (Syria)');
});

test('places: families, where a victim comes from, and a lone name prefix are not where an event was', () => {
  const ev = code(
    'Gunmen attacked the tents of a mourning gathering of the al-Ades family in the village of Kasrah in west Deir ez-Zor on Monday. ' +
      'They killed a young man from al-Ades after tying him up.',
  );
  assert.deepEqual([...new Set(ev.map((e) => e.location))], ['Al Kasrah'], JSON.stringify(ev.map((e) => e.location)));
  // "Abou" alone before a misspelt second word is no place
  const prefix = code('Coalition helicopters backed a raid on Thursday by SDF fighters on Abou Khasahb desert near Kasrah in Deir ez-Zor, where they clashed with ISIS cells.');
  assert.ok(!prefix.some((e) => e.location === 'Abou'), JSON.stringify(prefix.map((e) => e.location)));
  // nor an article alone: "the El Salini base" is not Eyl
  // (and "Al Shabaab fighters" are Al Shabaab's, not a second, unidentified group)
  const article = code('Al Shabaab fighters attacked the El Salini base in Lower Shabelle on Thursday, killing nine soldiers.', '2020-02-21');
  assert.deepEqual(article.map((e) => [e.location, e.admin1, e.actor1, e.actor2]), [['El Salini', 'Lower Shabelle', 'Al Shabaab', 'Military Forces of Somalia']]);
});

test('places: a place missing from the gazetteer inside or beside a known one is placed there, and the landmark is no second event', () => {
  // "Zarqawiya" is made up: the gazetteer has no such place
  const inside = code('ISIS cells attacked homes in Zarqawiya village in the Abu Khashab desert in west Deir ez-Zor on Monday, killing one man.');
  assert.equal(inside.length, 1, JSON.stringify(inside.map((e) => e.location)));
  assert.equal(inside[0]?.location, 'Zarqawiya');
  assert.equal(inside[0]?.geo_precision, 2);
  assert.ok(inside[0]?.latitude != null && Math.abs(inside[0].latitude - 35.95) < 0.2, `${inside[0]?.latitude}`);
  const beside = code('SDF fighters clashed with ISIS cells on Monday in Zarqawiya neighbourhood near the town of Kasrah in Deir ez-Zor.');
  assert.deepEqual(beside.map((e) => [e.location, e.geo_precision]), [['Zarqawiya', 2]]);
});

test('tanks firing on a place are shelling; a leading stop word stays when the whole name is a place', () => {
  const ev = code('Turkish tanks attacked positions of the Manbij Military Council in the village of Arab Hassan on Thursday.', '2020-02-21');
  assert.deepEqual(ev.map((e) => [e.sub_event_type, e.actor1, e.admin1]), [['Shelling/artillery/missile attack', 'Military Forces of Turkey', 'Aleppo']]);
  assert.match(ev[0]!.location, /Arab Hasan/);
  // tanks that merely move are no weapon fired
  const moved = code('Turkish tanks entered the village of Arab Hassan on Thursday and clashed with council fighters.', '2020-02-21');
  assert.equal(moved[0]?.sub_event_type, 'Armed clash');
});

test('"a base south-west of X" is near X (precision 2), not in it', () => {
  const ev = code('Al Shabaab fighters stormed an army base south-west of Mogadishu on Thursday, killing nine soldiers.', '2020-02-21');
  assert.deepEqual(ev.map((e) => [e.location, e.geo_precision]), [['Mogadishu', 2]]);
  const inIt = code('Al Shabaab fighters stormed an army base in Mogadishu on Thursday, killing nine soldiers.', '2020-02-21');
  assert.equal(inIt[0]?.geo_precision, 1);
});

test('reports from other wars: the actor\'s adjective is not the place\'s country; "fighting between"; an unknown village in a known town; dispersal told next', () => {
  const rafah = code('An Israeli airstrike hit a house in Rafah on Friday, killing six people.', '2024-02-09');
  assert.deepEqual(rafah.map((e) => [e.sub_event_type, e.actor1, e.country, e.admin1, e.fatalities]), [['Air/drone strike', 'Military Forces of Israel', 'Palestine', 'Gaza Strip', 6]]);
  const fight = code('Fighting between the army and the Rapid Support Forces continued in Omdurman on Monday.', '2023-05-02');
  assert.deepEqual(fight.map((e) => [e.sub_event_type, e.actor1, e.actor2]), [['Armed clash', 'Military Forces of Sudan', 'Rapid Support Forces']]);
  // background: "months of fighting between" is no event
  assert.equal(code('The province has seen months of fighting between the army and militants around the town of Jalawla.', '2024-03-28').length, 0);
  // "Ngarawa" is made up: placed at the known town that contains it, one event, in Nigeria
  const village = code('Gunmen killed 12 villagers in an attack on the village of Ngarawa in Bokkos, Plateau State, on Tuesday night, police said.', '2024-01-25');
  assert.deepEqual(village.map((e) => [e.location, e.country, e.geo_precision, e.fatalities]), [['Ngarawa', 'Nigeria', 2, 12]]);
  const protest = code('Hundreds of people protested in Khartoum on Thursday against military rule. Security forces fired tear gas to disperse them.', '2022-06-30');
  assert.equal(protest[0]?.sub_event_type, 'Protest with intervention');
});

test('ages in a victim phrase, a road between two cities, a defused device, a lynching mob', () => {
  const age = code('A Russian drone struck a car in the city of Kherson on Monday, killing a 60-year-old man.', '2024-05-20');
  assert.equal(age[0]?.fatalities, 1);
  assert.deepEqual(findCasualties('killing two 19-year-old students and a 60-year-old man').map((c) => c.value), [3]);
  const road = code('Gunmen attacked a bus on the Damascus-Homs road on Tuesday, killing four passengers.', '2024-05-20');
  assert.deepEqual(road.map((e) => [e.location, e.geo_precision, e.fatalities]), [['Damascus', 2, 4]]);
  const defused = code('Security forces defused an improvised explosive device planted on the Kandahar-Herat highway on Tuesday, police said.', '2021-03-03');
  assert.deepEqual(defused.map((e) => [e.sub_event_type, e.country]), [['Disrupted weapons use', 'Afghanistan']]);
  const mob = code('A mob lynched a man accused of blasphemy in the town of Sialkot on Friday, police said.', '2022-09-10');
  assert.deepEqual(mob.map((e) => [e.sub_event_type, e.actor1, e.actor2, e.fatalities]), [['Mob violence', 'Rioters (Pakistan)', 'Civilians (Pakistan)', 1]]);
});

test('a part of a country the gazetteer knows as a region is a place; "struck X targets" names X as the target', () => {
  const ev = code('Israeli warplanes struck Hezbollah targets in southern Lebanon on Sunday.', '2024-06-03');
  assert.deepEqual(ev.map((e) => [e.sub_event_type, e.actor1, e.actor2, e.location, e.country]), [['Air/drone strike', 'Military Forces of Israel', 'Hezbollah', 'South Lebanon', 'Lebanon']]);
  // a country alone is still no place to code
  assert.equal(code('Israeli warplanes struck Hezbollah targets in Lebanon on Sunday.', '2024-06-03').length, 0);
});
