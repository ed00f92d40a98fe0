/**
 * Numbers in words and digits, and casualty phrases ("three civilians were killed", "killing a soldier",
 * "two children and a woman were wounded", "at least 12 dead", "dozens injured"). Pure.
 */

import { LETTER, plainTwin, wordMatches } from './lexicon.js';

const SMALL: Record<string, number> = {
  a: 1, an: 1, one: 1, single: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18,
  nineteen: 19, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
  both: 2, couple: 2, pair: 2, his: 1, her: 1,
};
const APPROX: Record<string, number> = { dozens: 12, tens: 10, scores: 20, hundreds: 100, dozen: 12, thousands: 1000 };

export interface NumberValue {
  value: number;
  approximate: boolean;
}

/** Parse a number phrase: "12", "1,200", "twenty-five", "a", "dozens", "a dozen". Null when it is not a number. */
export function parseNumber(raw: string): NumberValue | null {
  const s = raw.toLowerCase().trim();
  if (/^\d{1,3}(,\d{3})+$|^\d+$/.test(s)) return { value: parseInt(s.replace(/,/g, ''), 10), approximate: false };
  if (s in APPROX) return { value: APPROX[s]!, approximate: true };
  if (s === 'a dozen') return { value: 12, approximate: false };
  const parts = s.split(/[\s-]+/).filter((p) => p !== 'and');
  let total = 0;
  let current = 0;
  for (const p of parts) {
    if (p in SMALL) current += SMALL[p]!;
    else if (p === 'hundred') current = (current || 1) * 100;
    else if (p === 'thousand') {
      total += (current || 1) * 1000;
      current = 0;
    } else return null;
  }
  const v = total + current;
  return v > 0 ? { value: v, approximate: false } : null;
}

export const NUMBER_WORD =
  "(?:\\d{1,3}(?:,\\d{3})+|\\d+|(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|a dozen|dozens|tens|scores|hundreds|a|an|both|a single|his|her)";

/** Victim nouns and what they tell about who the victims were. */
const CIVILIAN_NOUNS =
  'civilians?|people|persons?|residents?|villagers?|children|child|kids?|boys?|girls?|wom[ae]n|m[ae]n|teenagers?|youths?|young m[ae]n|young wom[ae]n|farmers?|shepherds?|workers?|citizens?|students?|journalists?|doctors?|nurses?|elderly|infants?|babies|baby|toddlers?|family members|members of (?:a|the same) family|siblings?|brothers?|sisters?|mothers?|fathers?|sons?|daughters?|husbands?|wives|wife|passengers?|worshippers?|pilgrims?|displaced people|refugees|truffle (?:hunters|collectors|gatherers)|traders?|merchants?|drivers?|teachers?|engineers?|employees?|herders?|fishermen|muezzin|imam|mukhtar|humanitarian workers?|aid workers?|protesters|demonstrators|protestors|individuals?|Palestinians|Syrians|Iraqis|Yemenis|Afghans|Somalis|Sudanese|Lebanese|Israelis|Ukrainians|Kurds|Nigerians|Congolese|Pakistanis|Libyans|Malians|Burkinabes?|Rohingya|Druze|Alawites|bodies|corpses';
const ARMED_NOUNS =
  'police|soldiers?|troops|servicem[ae]n|officers?|fighters?|militants?|members?|gunmen|rebels?|policem[ae]n|police officers?|personnel|guards?|militiamen|militia members|terrorists?|jihadists?|insurgents?|combatants?|recruits?|conscripts?|commanders?|elements|mercenaries|attackers|assailants|security men|gendarmes?|paramilitar(?:y|ies)|operatives?|cadres?|snipers?|bodyguards?';

/** up to four words between a number and its noun; ages count as words ("a 60-year-old man") */
const ADJ = "(?:(?:[A-Za-z’'-]+|\\d+-[A-Za-z][A-Za-z’'-]*) ){0,4}?";
const NON_VICTIM_AFTER = /^\s*(?:[\w-]+\s+)?(?:air\s*strikes?|strikes?|raids?|attacks?|operations?|missions?|sorties|rounds?|shells?|rockets?|missiles?|drones?|sheep|cattle|dogs?|animals?|camels?)\b/i;
export const KILLED = 'killed|dead|died|slain|lost (?:their|his|her) li(?:fe|ves)|perished|executed|shot dead|murdered|(?:hacked|stabbed|beaten|burn(?:ed|t)|bludgeoned|shot) to death|gunned down|massacred|beheaded|slaughtered';
export const WOUNDED = 'wounded|injured|hurt|injuries|wounds';

export interface CasualtyMention {
  kind: 'killed' | 'injured';
  value: number;
  approximate: boolean;
  victims: 'civilian' | 'armed' | 'unknown';
  /** The victim noun phrase with its modifiers, e.g. "Syrian soldier", "two children". */
  victimText: string;
  start: number;
  end: number;
  /** "bodies were recovered": a count of the dead found so far, never lower than a stated toll */
  bodies?: boolean;
  /** told as provisional ("a very provisional toll", "preliminary figures"): a later figure replaces it */
  provisional?: boolean;
  /** index of the sentence it was told in (set by the pipeline): parts told together add up */
  sentence?: number;
}

const NUM = NUMBER_WORD;
const NOUNS = `(?:${CIVILIAN_NOUNS}|${ARMED_NOUNS})`;
/** "(at least) NUM [adjectives] NOUN [and NUM [adj] NOUN]* (were|was) (reportedly) KILLED|WOUNDED" */
const PHRASE = `((?:at least |more than |over |nearly |almost |about |around |some |up to )?${NUM} ${ADJ}${NOUNS}(?:(?:,| and|, and) (?:at least )?${NUM} ${ADJ}${NOUNS}){0,3})`;
const PASSIVE = new RegExp(
  `\\b${PHRASE}(?:,? (?:(?!killed|wounded|injured|killing|wounding|injuring|dead)[^.;:!?]){0,40}?)?,? (?:(?:were|was|have been|has been|had been|are|is|being|got|been) )?(?:(?:reportedly|also|all|later|critically|seriously|severely|lightly|fatally|badly) )?(${KILLED}|${WOUNDED})(?![\\p{L}])`,
  'giu',
);
const ACTIVE = new RegExp(
  `\\b(killing|killed|kills|kill|claimed the lives of|(?:hacked|hacking|stabbed|stabbing|beat|beating|burned|burning|bludgeoned) to death|gunned down|gunning down|shot dead|shooting dead|shot and killed|executed|executing|murdered|murdering|massacred|massacring|beheaded|beheading|slaughtered|slaughtering|wounding|wounded|wounds|injuring|injured|injures|leaving|left|leaves)( (?:at least |more than |over |nearly |about |around |some )?${NUM}(?: ${ADJ}${NOUNS}| others| other people| people| persons)?(?:(?:,| and|, and) (?:at least )?${NUM}(?: ${ADJ}${NOUNS}| others| people)?){0,3})(?: (?:(?:people|others|persons) )?(${KILLED}|${WOUNDED}))?`,
  'giu',
);
const BARE = new RegExp(
  `\\b((?:at least |more than |over |nearly |about |around |some )?(?:\\d+|${NUM.slice(3, -1)})) (?:people |persons |others )?(dead|killed|wounded|injured)(?![\\p{L}])`,
  'giu',
);
const SHORT = new RegExp(
  `\\b((?:at least |more than |over |nearly |about |around |some )?${NUM})(?: (?:more|others|other people|of them|people)| of (?:the |its |their |his |her )(?:[\\p{L}’'-]+ ){0,3}?[\\p{L}’'-]+)? (?:were|was|have been|had been|are) (?:(?:reportedly|also|all|later|critically|seriously|severely|lightly|fatally|badly) )?(${KILLED}|${WOUNDED})(?![\\p{L}])`,
  'giu',
);
const TOLL = new RegExp(`death toll (?:rose to|reached|climbed to|stood at|of|is|was|has risen to|at) (?:at least )?(${NUM})`, 'giu');
/** "two bodies were recovered from the rubble": the dead of the event */
const BODIES = new RegExp(
  `\\b((?:at least |more than |over |nearly |about |around |some )?${NUM}) (?:${ADJ})(?:bodies|corpses) (?:(?:were|was|have been|has been|had been) )?(?:(?:later|also) )?(?:recovered|found|retrieved|pulled|discovered|dug out|unearthed)(?![\\p{L}])`,
  'giu',
);
/** words between a number and its noun never hold another number ("a day after three policemen": three, not a) */
const ADJ_NO_NUM = `(?:(?!${NUM}(?![\\p{L}\\p{N}-]))(?:[A-Za-z’'-]+|\\d+-[A-Za-z][A-Za-z’'-]*) ){0,4}?`;
const ONE_NUMBER = new RegExp(`\\b(${NUM})(?!-\\p{L})((?: ${ADJ_NO_NUM})(${NOUNS}))?(?![\\p{L}\\p{N}])`, 'giu');
const CIV_RE = new RegExp(`^(?:${CIVILIAN_NOUNS})$`, 'i');

function sumGroup(text: string): { value: number; approximate: boolean; victims: CasualtyMention['victims']; ok: boolean } {
  let value = 0;
  let approximate = /at least|more than|over|nearly|almost|about|around|some|up to/i.test(text);
  let civ = 0;
  let armed = 0;
  let ok = false;
  ONE_NUMBER.lastIndex = 0;
  for (const m of wordMatches(ONE_NUMBER, text)) {
    const n = parseNumber(m[1]!);
    if (!n) continue;
    // "a" and "an" count only when a victim noun follows
    if (/^(?:an?|his|her)$/i.test(m[1]!) && !m[3]) continue;
    if (/^(?:his|her)$/i.test(m[1]!) && /s$/i.test(m[3]!) && !/^(?:boys?|sons?)$/i.test(m[3]!)) continue;
    value += n.value;
    approximate ||= n.approximate;
    ok = true;
    if (m[3]) {
      if (CIV_RE.test(m[3])) civ++;
      else armed++;
    }
  }
  const victims = civ && !armed ? 'civilian' : armed && !civ ? 'armed' : civ && armed ? 'armed' : 'unknown';
  return { value, approximate, victims, ok };
}

const INJURED_WORD = new RegExp(`^(?:${WOUNDED}|wounding|injuring|wounds|injures)$`, 'i');
function kindOf(word: string): 'killed' | 'injured' {
  return INJURED_WORD.test(word) ? 'injured' : 'killed';
}

/** The text before `idx` lists a subset ("including", "among them"). */
function excludedAt(text: string, idx: number): boolean {
  return /\b(?:including|among them|among whom|of whom|of them|such as)\s*$/i.test(text.slice(Math.max(0, idx - 24), idx));
}
/** "as many as 30 may have died": an upper bound or a guess is not the conservative toll. */
function speculativeAt(text: string, s: number, e: number): boolean {
  return /\b(?:may|might|could|would)\s+have\b|\bas many as\b|\bup to\b|\bfeared\b|\bexpected to\b/i.test(text.slice(Math.max(0, s - 12), e));
}
/** Keep a mention unless it overlaps one already taken; a speculative one only blocks its span. */
function pushMention(text: string, base: number, taken: [number, number][], out: CasualtyMention[], m: CasualtyMention): void {
  const s = m.start - base;
  const e = m.end - base;
  if (taken.some(([a, b]) => s < b && e > a)) return;
  taken.push([s, e]);
  if (!speculativeAt(text, s, e)) out.push(m);
}

/** Casualty mentions in a sentence; offsets are relative to `text` plus `base`. */
export function findCasualties(text: string, base = 0): CasualtyMention[] {
  const out: CasualtyMention[] = [];
  const taken: [number, number][] = [];
  for (const m of /death toll/i.test(text) ? text.matchAll(plainTwin(TOLL, text)) : []) {
    const n = parseNumber(m[1]!);
    if (n) pushMention(text, base, taken, out, { kind: 'killed', value: n.value, approximate: n.approximate, victims: 'unknown', victimText: '', start: base + m.index!, end: base + m.index! + m[0].length });
  }
  for (const m of /bodies|corpses/i.test(text) ? wordMatches(BODIES, text) : []) {
    const n = parseNumber(m[1]!.replace(/^(?:at least|more than|over|nearly|about|around|some) /i, ''));
    if (!n || excludedAt(text, m.index!)) continue;
    pushMention(text, base, taken, out, { kind: 'killed', value: n.value, approximate: n.approximate || /^(?:at least|more than|over|nearly|about|around|some) /i.test(m[1]!), victims: 'civilian', victimText: '', start: base + m.index!, end: base + m.index! + m[0].length, bodies: true });
  }
  for (const m of wordMatches(ACTIVE, text, LETTER)) {
    const g = sumGroup(m[2]!);
    if (!g.ok) continue;
    const verb = m[1]!.toLowerCase();
    let kind: 'killed' | 'injured';
    if (verb.startsWith('leav') || verb === 'left') {
      if (!m[3]) continue;
      kind = kindOf(m[3]);
    } else kind = verb.startsWith('claimed') ? 'killed' : kindOf(verb);
    if (/^(?:killed|wounded|injured)$/.test(verb) && !m[2]!.match(/[a-z]{3,}/i)) continue;
    // "executed ten airstrikes", "shot dead two dogs" are no victims: these verbs need people after the number
    if (/^(?:shot|shooting|executed|executing|murdered|murdering)/.test(verb) && NON_VICTIM_AFTER.test(text.slice(m.index! + m[0].length, m.index! + m[0].length + 30))) continue;
    pushMention(text, base, taken, out, { kind, value: g.value, approximate: g.approximate, victims: g.victims, victimText: m[2]!.trim(), start: base + m.index!, end: base + m.index! + m[0].length });
  }
  // an excluded subset ("including a woman and …") must not swallow the next toll: rescan after the subset
  const passive = plainTwin(PASSIVE, text);
  passive.lastIndex = 0;
  for (let m = passive.exec(text); m; m = passive.exec(text)) {
    if (m.index > 0 && /[\p{L}\p{N}]/u.test(text[m.index - 1]!)) {
      passive.lastIndex = m.index + 1; // not a word start in the Unicode sense
      continue;
    }
    if (excludedAt(text, m.index)) {
      // "including a woman and a boy, 4 people were killed": an item after a bare comma starts a new toll
      const comma = m[1]!.lastIndexOf(', ');
      passive.lastIndex = m.index + (comma > 0 && !/^,\s+and\b/.test(m[1]!.slice(comma)) ? comma + 2 : m[1]!.length);
      continue;
    }
    const g = sumGroup(m[1]!);
    if (!g.ok) continue;
    pushMention(text, base, taken, out, { kind: kindOf(m[2]!), value: g.value, approximate: g.approximate, victims: g.victims, victimText: m[1]!, start: base + m.index!, end: base + m.index! + m[0].length });
  }
  for (const m of wordMatches(SHORT, text)) {
    if (excludedAt(text, m.index!)) continue;
    const n = parseNumber(m[1]!.replace(/^(?:at least|more than|over|nearly|about|around|some) /i, ''));
    if (!n || /^(?:an?|his|her)$/i.test(m[1]!)) continue;
    pushMention(text, base, taken, out, { kind: kindOf(m[2]!), value: n.value, approximate: n.approximate || /^(?:at least|more than|over|nearly|about|around|some) /i.test(m[1]!), victims: 'unknown', victimText: '', start: base + m.index!, end: base + m.index! + m[0].length });
  }
  for (const m of wordMatches(BARE, text)) {
    if (excludedAt(text, m.index!)) continue;
    const n = parseNumber(m[1]!.replace(/^(?:at least|more than|over|nearly|about|around|some) /i, ''));
    if (!n) continue;
    pushMention(text, base, taken, out, { kind: kindOf(m[2]!), value: n.value, approximate: n.approximate || /at least|more than|over|nearly|about|around|some/i.test(m[1]!), victims: 'unknown', victimText: '', start: base + m.index!, end: base + m.index! + m[0].length });
  }
  return out.sort((a, b) => a.start - b.start);
}
