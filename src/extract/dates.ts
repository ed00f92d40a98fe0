/**
 * Dates in a sentence, resolved with chrono-node against the publication date (UTC, nearest past
 * weekday, no forward dating). Pure.
 */
import * as chrono from 'chrono-node';

export interface DateMention {
  /** YYYY-MM-DD resolved against the anchor. */
  date: string;
  /** 1 day, 3 month (or a range "since …"). */
  precision: 1 | 2 | 3;
  /** The date lies before the anchor by more than a month (history, background). */
  old: boolean;
  /** "since July 6": the start of a campaign. */
  since: boolean;
  /** The text named a year explicitly. */
  hasYear: boolean;
  start: number;
  end: number;
  text: string;
}

const parser = chrono.casual.clone();
const PARSE_OPTION = { forwardDate: false };

/**
 * One regex that matches wherever any of the parser's own patterns matches (their alternation). chrono
 * finds nothing in a text none of its patterns match, and its refiners only filter or merge what the
 * parsers found, so such texts (about half of the date windows) skip chrono: a scan instead of a full
 * parse. Null (no prefilter) when the patterns cannot be combined faithfully.
 */
let anyPattern: RegExp | null | undefined;
/** Whether a regex source has an alternation outside every group ("a|b", not "(a|b)c"). */
function hasTopLevelBar(src: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}
function chronoMayMatch(text: string, anchor: Date): boolean {
  if (anyPattern === undefined) {
    anyPattern = null;
    try {
      const context = new chrono.ParsingContext(text, { instant: anchor, timezone: 'UTC' }, PARSE_OPTION);
      const patterns = parser.parsers.map((p) => p.pattern(context));
      const flags = patterns[0]?.flags;
      // same flags, none stateful, and no back-references (their numbers would shift in an alternation)
      if (patterns.length && patterns.every((p) => p.flags === flags && !/[gy]/.test(p.flags) && !/\\[1-9]|\\k</.test(p.source))) {
        // (the patterns that open with chrono's word boundary "(\W|^)" share one: the same texts match, in one
        // boundary test per position instead of one per pattern)
        const LEAD = '(\\W|^)';
        const led = patterns.filter((p) => p.source.startsWith(LEAD) && !/^[?*+{]/.test(p.source.slice(LEAD.length)) && !hasTopLevelBar(p.source));
        const rest = patterns.filter((p) => !led.includes(p));
        const alts = rest.map((p) => `(?:${p.source})`);
        if (led.length) alts.unshift(`(?:\\W|^)(?:${led.map((p) => `(?:${p.source.slice(LEAD.length)})`).join('|')})`);
        anyPattern = new RegExp(alts.join('|'), flags);
      }
    } catch {
      anyPattern = null;
    }
  }
  return anyPattern === null || anyPattern.test(text);
}

function iso(d: Date): string {
  const y = d.getUTCFullYear();
  // (toISOString's own form for years of four digits; other years, and invalid dates, go through it)
  if (!(y >= 1000 && y <= 9999)) return d.toISOString().slice(0, 10);
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return `${y}-${m < 10 ? '0' : ''}${m}-${day < 10 ? '0' : ''}${day}`;
}

const RELATIVE_DAY = /\b(?:today|yesterday|tonight|last night|this morning|this evening|this afternoon|overnight|on (?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b/i;

const HINT_G = /\b(?:today|tonight|yesterday|night|morning|evening|afternoon|dawn|noon|midnight|(?:mon|tues|wednes|thurs|fri|satur|sun)day|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|ago|week|weeks|weekend|month|months|year|years|day|days|hours?|now|earlier|later|\d{4}|\d{1,2}[/.-]\d{1,2})\b/gi;

const WORD_CHAR = /\w/;
/** ECMAScript white space and line terminators: what \s matches (\S: anything else). */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
/** A date word at the start of a window cut inside a word (no word boundary before it there), or at its end. */
const HINT_AT_START = new RegExp(`^${HINT_G.source.slice(2)}`, 'i');
const HINT_AT_END = new RegExp(`${HINT_G.source.slice(0, -2)}$`, 'i');

/**
 * Dates in `text`, parsing only windows around date words (chrono's cost grows with the text it reads).
 * Offsets are relative to text plus base.
 */
export function findDates(text: string, anchor: Date, base = 0): DateMention[] {
  // windows around date words, each marked simple when all its date words are weekdays, today/yesterday or
  // parts of day (one scan: a word belongs to the window it widened or opened)
  const windows: [number, number][] = [];
  const simpleW: boolean[] = [];
  HINT_G.lastIndex = 0;
  for (let m = HINT_G.exec(text); m; m = HINT_G.exec(text)) {
    const a = Math.max(0, m.index - 32);
    const b = Math.min(text.length, m.index + m[0].length + 40);
    const isSimple = SIMPLE_RE.test(m[0]);
    const k = windows.length - 1;
    if (k >= 0 && a <= windows[k]![1]) {
      windows[k]![1] = Math.max(windows[k]![1], b);
      if (!isSimple) simpleW[k] = false;
    } else {
      windows.push([a, b]);
      simpleW.push(isSimple);
    }
  }
  const out: DateMention[] = [];
  if (!windows.length) return out;
  // fast path: windows whose only date words are weekdays and today/yesterday are resolved here
  // (the nearest past or present day, as chrono resolves them), everything else goes to chrono
  const simple: [number, number][] = [];
  const hard: [number, number][] = [];
  for (let k = 0; k < windows.length; k++) {
    const w = windows[k]!;
    let allSimple = simpleW[k]!;
    // (a window cut inside a word also holds, read on its own, a date word made of the cut word's end or start:
    // "birth|day", "may|or"; such words count too, as they did when each window was scanned apart)
    if (allSimple && w[0] > 0 && WORD_CHAR.test(text[w[0] - 1]!) && WORD_CHAR.test(text[w[0]]!)) {
      const m = HINT_AT_START.exec(text.slice(w[0], Math.min(w[1], w[0] + 12)));
      if (m && !SIMPLE_RE.test(m[0])) allSimple = false;
    }
    if (allSimple && w[1] < text.length && WORD_CHAR.test(text[w[1] - 1]!) && WORD_CHAR.test(text[w[1]]!)) {
      const m = HINT_AT_END.exec(text.slice(Math.max(w[0], w[1] - 12), w[1]));
      if (m && !SIMPLE_RE.test(m[0])) allSimple = false;
    }
    (allSimple ? simple : hard).push(w);
  }
  for (const [a, b] of simple) {
    for (const m of text.slice(a, b).matchAll(SIMPLE_PHRASE_G)) {
      const start = a + m.index!;
      const word = m[2]!.toLowerCase();
      let back: number;
      if (word === 'yesterday' || /^last\s+night$/i.test(m[2]!)) back = 1;
      else if (WEEKDAYS.includes(word)) back = (anchor.getUTCDay() - WEEKDAYS.indexOf(word) + 7) % 7;
      else back = 0; // today, tonight, this morning/afternoon/evening
      const d = new Date(anchor.getTime() - back * 86400000);
      const before = text.slice(Math.max(0, start - 16), start);
      const since = /\bsince\s*(?:the\s+)?$/i.test(before);
      out.push({ date: iso(d), precision: since ? 3 : 1, old: false, since, hasYear: false, start: base + start, end: base + start + m[0].length, text: m[0] });
    }
  }
  for (const [a, b] of hard) {
    // widen to word boundaries so no word is cut in half
    let s = a;
    while (s > 0 && !isSpace(text.charCodeAt(s - 1))) s--;
    let e = b;
    while (e < text.length && !isSpace(text.charCodeAt(e))) e++;
    for (const d of findDatesIn(text.slice(s, e), anchor, base + s, text, s)) out.push(d);
  }
  return out;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const SIMPLE_RE = /^(?:today|tonight|yesterday|night|morning|evening|afternoon|(?:mon|tues|wednes|thurs|fri|satur|sun)day)$/i;
const SIMPLE_PHRASE_G = /\b((?:late|early|on|overnight|last)\s+)?(today|tonight|yesterday|last\s+night|this\s+(?:morning|afternoon|evening)|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b(?:\s+(?:morning|afternoon|evening|night))?/gi;

function findDatesIn(raw: string, anchor: Date, base: number, full: string, offset: number): DateMention[] {
  const out: DateMention[] = [];
  // chrono reads "the night of October 25th" as tonight: blank the part of day (offsets stay the same)
  const text = raw.replace(/\b(?:night|morning|evening|afternoon|dawn|early hours|late hours) of\b/gi, (m) => ' '.repeat(m.length));
  if (!chronoMayMatch(text, anchor)) return out;
  let results: chrono.ParsedResult[];
  try {
    results = parser.parse(text, { instant: anchor, timezone: 'UTC' } as chrono.ParsingReference, PARSE_OPTION);
  } catch {
    return out;
  }
  for (const r of results) {
    const c = r.start;
    const t = r.text;
    const hasDay = c.isCertain('day') || c.isCertain('weekday') || RELATIVE_DAY.test(t);
    const hasMonth = c.isCertain('month');
    if (!hasDay && !hasMonth) continue; // bare years and clock times say nothing about the day
    if (/^\d{1,2}(?::\d\d)?\s*(?:am|pm)?$/i.test(t.trim())) continue;
    if (/\b(?:ago|ahead|later|next|coming)\b/i.test(t) && !/\bdays? ago\b/i.test(t)) continue;
    // "a day after the raid", "two days earlier": relative to another event, not to the publication date
    // (chrono may call the month certain there: only a written month or number makes such a date absolute)
    if (/\b(?:after|before|earlier|prior)\b/i.test(t) && !/\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/i.test(t)) continue;
    const d = c.date();
    if (Number.isNaN(d.getTime())) continue;
    const before = full.slice(Math.max(0, offset + r.index - 16), offset + r.index);
    const since = /\bsince\s*(?:the\s+)?(?:early|late|mid-?)?\s*$/i.test(before) || /^since\b/i.test(t);
    const diffDays = (anchor.getTime() - d.getTime()) / 86400000;
    out.push({
      date: iso(d),
      precision: hasDay && !since ? 1 : 3,
      old: diffDays > 31,
      since,
      hasYear: c.isCertain('year'),
      start: base + r.index,
      end: base + r.index + t.length,
      text: t,
    });
  }
  return out;
}

/** Parse a YYYY[-MM[-DD]] publication date into a UTC date at midnight, or null. */
export function parsePublished(published: string | null | undefined): Date | null {
  if (!published) return null;
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(published.trim());
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), m[2] ? Number(m[2]) - 1 : 0, m[3] ? Number(m[3]) : 1, 12));
  return Number.isNaN(d.getTime()) ? null : d;
}

export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return iso(d);
}
