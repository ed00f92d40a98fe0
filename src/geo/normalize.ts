/**
 * Name keys for gazetteer matching. Pure functions, no I/O.
 *
 * normalizeName() builds a phonetic-ish key that survives the usual transliterations of Arabic
 * place names: case, diacritics, apostrophes (ayn/hamza), hyphens and spaces, the article
 * (al-/el-/ad-/ash-/as-/at-/ar-/az-...), kh/h, gh/g, ch/sh, q/k, ou/oo/o/u, ee/e/i, the
 * diphthongs ay/ei/ai -> i and aw/au/ow -> u before a consonant, doubled letters, the feminine
 * and nisba endings (-a/-ah/-eh/-ieh/-iyah/-iya) and the common generic words (Kafr/Kfar/Kefr,
 * Tal/Tell, Jisr/Jeser, Maarrat/Ma'arat/Maaret, Jabal/Jebel, Khirbet/Kherbet, Deir/Dayr).
 * looseKey() is a second, looser consonant skeleton used only as a fallback.
 * Arabic-script names get their own key (alef/ta marbuta/ya forms, tashkeel, the article).
 */

import { createHash } from 'node:crypto';
import { memoize } from '../model/memo.js';

const ARABIC = /[\u0600-\u06ff]/;
const ARTICLES = new Set([
  'al', 'el', 'il', 'ul', 'ad', 'ed', 'ud', 'ash', 'esh', 'as', 'es', 'us', 'at', 'et', 'ut', 'ar', 'er', 'ur', 'az', 'ez',
  'uz', 'an', 'en', 'un', 'ath', 'adh', 'ath', 'dh', 'l',
]);
/** Generic words dropped at the end of a multi-word name ("Idlib governorate", "Afrin city"). */
const GENERIC_TAIL = new Set([
  'city', 'town', 'village', 'governorate', 'province', 'district', 'subdistrict', 'sub', 'oblast', 'muhafazah', 'muhafaza',
  'nahiya', 'nahiyah', 'mantiqa', 'mantiqat', 'wilayah', 'raion', 'rayon', 'municipality', 'state', 'region',
]);
const GENERIC_HEAD = new Set(['the', 'city', 'town', 'village', 'nahiyat', 'muhafazat', 'mantiqat', 'madinat']);
/** Canonical forms of common generic words, after letter folding. */
const CANON: Record<string, string> = {
  til: 'tal', tal: 'tal', kfar: 'kafr', kifr: 'kafr', kafar: 'kafr', kfr: 'kafr', kafr: 'kafr', kifar: 'kafr',
  jisir: 'jisr', jisr: 'jisr', jasr: 'jisr', marat: 'marat', marit: 'marat', mart: 'marat', marit_: 'marat',
  jibil: 'jabal', jabil: 'jabal', jabal: 'jabal', jibal: 'jabal', jbil: 'jabal', jbal: 'jabal',
  hirbit: 'hirbat', hirbat: 'hirbat', hurbat: 'hirbat', harbat: 'hirbat', hirbi: 'hirbat', hurbit: 'hirbat',
  mazrat: 'mazrat', mazrit: 'mazrat', kalat: 'kalat', kalit: 'kalat',
};
const VOWEL = 'aiu';
/** Feminine and nisba endings, longest first (-iyah/-iyeh/-ieh/-yeh/-a/-ah/-eh after folding). */
const ENDINGS = ['iyah', 'iyih', 'iya', 'iyi', 'yah', 'yih', 'ya', 'iah', 'ia', 'ih', 'ah', 'a'];

function foldLatin(s: string): string {
  if (/^[\x20-\x7e]*$/.test(s)) return s.toLowerCase().replace(/['`"]/g, '');
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ı/g, 'i')
    .replace(/ø/g, 'o')
    .replace(/æ/g, 'ae')
    .replace(/œ/g, 'oe')
    .replace(/ß/g, 'ss')
    .replace(/[đð]/g, 'd')
    .replace(/ł/g, 'l')
    .replace(/þ/g, 'th')
    .replace(/['’‘ʼʻʿʾ`´"]/g, '');
}

/** Folds one lowercase ASCII token to the phonetic key letters. */
function foldToken(t: string): string {
  // a final silent e is the feminine ending written without its h ("Al-Emarne" = "Amarneh")
  let s = (t.length >= 5 && /[^aeiouy]e$/.test(t) ? `${t}h` : t)
    .replace(/tch/g, 'sh')
    .replace(/ch/g, 'sh')
    .replace(/kh/g, 'h')
    .replace(/gh/g, 'g')
    .replace(/dh/g, 'd')
    .replace(/th/g, 't')
    .replace(/ph/g, 'f')
    .replace(/dj/g, 'j')
    .replace(/ck/g, 'k')
    .replace(/x/g, 'h') // Kurdish/Turkish Latin x = kh (Zaxo = Zakho)
    .replace(/q/g, 'k')
    .replace(/c/g, 'k')
    .replace(/ou|oo/g, 'u')
    .replace(/ee/g, 'i')
    // diphthongs before a consonant or the end
    .replace(/(?:ay|ai|ei|ey)(?=[^aeiouy]|$)/g, 'i')
    .replace(/(?:aw|au|ow)(?=[^aeiouw]|$)/g, 'u')
    .replace(/e/g, 'i')
    .replace(/o/g, 'u')
    .replace(/(.)\1+/g, '$1')
    .replace(/([^aiu])y$/, '$1i'); // Kelly = Killi
  // feminine / nisba endings
  for (const e of ENDINGS) {
    if (s.endsWith(e) && s.length - e.length >= 2) {
      s = s.slice(0, s.length - e.length);
      break;
    }
  }
  return CANON[s] ?? s;
}

function latinTokens(s: string): string[] {
  const raw = foldLatin(s).split(/[^a-z0-9]+/).filter(Boolean);
  let toks = raw;
  while (toks.length > 1 && GENERIC_HEAD.has(toks[0]!)) toks = toks.slice(1);
  if (toks.length > 1 && toks[toks.length - 2] === 'of' && GENERIC_HEAD.has(toks[0]!)) toks = toks.slice(0, -2);
  while (toks.length > 1 && GENERIC_TAIL.has(toks[toks.length - 1]!)) toks = toks.slice(0, -1);
  // airports and airbases: "X air base", "X military airport", "X airfield" are one facility
  for (let i = 0; i < toks.length; i++) {
    if (toks[i] === 'air' && toks[i + 1] === 'base') toks.splice(i, 2, 'airbase');
    if (toks[i] === 'airport' || toks[i] === 'airfield' || toks[i] === 'aerodrome' || toks[i] === 'airstrip') toks[i] = 'airbase';
  }
  toks = toks.filter((t, i) => !((t === 'military' || t === 'international') && toks[i + 1] === 'airbase'));
  const noArt = toks.filter((t) => !ARTICLES.has(t));
  if (noArt.length) toks = noArt;
  // an article glued to a later word: "Dweir Elakrad", "Jeb Eldam", "Dahiet Elasad"; or assimilated
  // to a sun letter and glued: "Deir Ezzor" = "Deir ez-Zor", "Ras Ennaba"
  for (let i = 1; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.length >= 5 && (t.startsWith('el') || t.startsWith('al'))) toks[i] = t.slice(2);
    else if (t.length >= 5 && /^[aei]([tdrszn])\1[aeiou]/.test(t)) toks[i] = t.slice(2);
    else if (t.length >= 6 && /^[aei](sh|th|dh)\1?[aeiou]/.test(t)) toks[i] = t.replace(/^[aei](sh|th|dh)(?:sh|th|dh)?/, '$1');
  }
  const out: string[] = [];
  for (const t of toks) {
    let f = tokenMemo.get(t);
    if (f === undefined) {
      f = foldToken(t);
      if (tokenMemo.size < 200000) tokenMemo.set(t, f);
    }
    if (f) out.push(f);
  }
  return out;
}
const tokenMemo = new Map<string, string>();

function arabicTokens(s: string): string[] {
  const t = s
    .replace(/[\u064b-\u065f\u0670\u0640]/g, '')
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/ة/g, 'ه')
    .replace(/ى/g, 'ي')
    .replace(/ؤ/g, 'و')
    .replace(/ئ/g, 'ي')
    .split(/[^\u0621-\u064a0-9]+/)
    .filter(Boolean);
  let toks = t.filter((w) => !['حي', 'ناحيه', 'منطقه', 'محافظه', 'مدينه', 'بلده', 'قريه', 'مركز'].includes(w));
  if (!toks.length) toks = t;
  return toks.map((w) => (w.length > 3 && w.startsWith('ال') ? w.slice(2) : w.length > 4 && /^[وب]ال/.test(w) ? w.slice(3) : w));
}

/** Normalised tokens of a name (phonetic key letters, article dropped). */
export function nameTokens(s: string): string[] {
  return ARABIC.test(s) ? arabicTokens(s) : latinTokens(s);
}

/** The primary matching key: tokens folded and joined without spaces. */
// (memoised: the geocoder asks for the same names, admin areas, hints and places' own, again and again)
export const normalizeName: (s: string) => string = memoize((s) => nameTokens(s).join(''), 100000);

/** Consonant skeleton of one key (first letter kept, vowels/semivowels dropped). */
function skeleton(key: string): string {
  if (!key) return '';
  const first = VOWEL.includes(key[0]!) ? 'a' : key[0]!;
  const rest = key.slice(1).replace(/sh/g, 's').replace(/g/g, 'k').replace(/[aiuyw]/g, '').replace(/h$/, '');
  return (first + rest).replace(/(.)\1+/g, '$1');
}

/**
 * Looser fallback key: glued articles ("Elnaqus", "Alshaala") removed and the consonant skeleton
 * taken, so that "Kafaraweed" ~ "Kafr Oweid" and "Sufouhn" ~ "Sufuhun". Empty for Arabic script.
 */
export function looseKey(s: string): string {
  if (ARABIC.test(s)) return '';
  return looseFromTokens(nameTokens(s));
}

function looseFromTokens(toks: string[]): string {
  return skeleton(toks.map((t) => (t.length >= 5 && /^(al|il)[^aiuh]/.test(t) ? t.slice(2) : t)).join(''));
}

/** Tokens, primary key and loose key of a name in one pass (for indexing). */
export function nameKeys(s: string): { toks: string[]; key: string; loose: string } {
  const arabic = ARABIC.test(s);
  const toks = arabic ? arabicTokens(s) : latinTokens(s);
  const key = toks.join('');
  const loose = arabic ? '' : looseFromTokens(toks);
  return { toks, key, loose: loose.length >= 3 || (loose.length === 2 && key.length >= 5) ? loose : '' };
}

/** Keys of the first k tokens, k < n (for greedy longest-match scanning). */
export function prefixKeys(s: string): string[] {
  const toks = nameTokens(s);
  const out: string[] = [];
  for (let k = 1; k < toks.length; k++) out.push(toks.slice(0, k).join(''));
  return out;
}

/** Levenshtein distance, for ranking loose matches. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const m = a.length, n = b.length;
  if (!m) return n;
  if (!n) return m;
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n]!;
}

/** Whether a mention is only an article ("al", "el"), which starts many names. */
export function isArticle(s: string): boolean {
  return ARTICLES.has(foldLatin(s).replace(/[^a-z]/g, ''));
}

/**
 * Fingerprint of the normalisation rules. The build script stores precomputed keys with it; the
 * loader uses them only when the fingerprint still matches, so a rule change can never leave stale keys.
 */
export const KEYS_VERSION = createHash('sha1')
  .update([foldLatin, foldToken, latinTokens, arabicTokens, skeleton, looseFromTokens, nameKeys].map((f) => f.toString()).join('\n'))
  .update(JSON.stringify([[...ARTICLES], [...GENERIC_TAIL], [...GENERIC_HEAD], CANON, ENDINGS, VOWEL]))
  .digest('hex')
  .slice(0, 12);

/** Serialised keys of a name: "tok tok~loose". */
export function encodeKeys(k: { toks: string[]; loose: string }): string {
  return `${k.toks.join(' ')}~${k.loose}`;
}

export function decodeKeys(s: string): { toks: string[]; key: string; loose: string } {
  const t = s.indexOf('~');
  const toks = (t < 0 ? s : s.slice(0, t)).split(' ').filter(Boolean);
  return { toks, key: toks.join(''), loose: t < 0 ? '' : s.slice(t + 1) };
}
