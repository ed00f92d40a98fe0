/**
 * ACLED spellings of admin1 names. GeoNames names are cleaned by rule (diacritics, "Governorate",
 * "Province", "Oblast"... dropped) plus a table where the rule is not enough. Used by the build
 * script and by the GeoNames import.
 */
const fold = (s: string): string =>
  s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[‘’ʼʻʿʾ`´]/g, "'").replace(/ı/g, 'i').trim();

/** ACLED spellings of admin1 names where GeoNames differs (only where the rule-based clean-up is not enough). */
export const ADMIN1_OVERRIDE: Record<string, string> = {
  'SD:Northern Darfur': 'North Darfur', 'SD:Southern Darfur': 'South Darfur', 'SD:Western Darfur': 'West Darfur',
  'SD:Eastern Darfur': 'East Darfur', 'SD:Southern Kordofan': 'South Kordofan', 'SD:Al Qadarif': 'Gedaref',
  'SD:Al Jazirah': 'Aj Jazirah', 'SO:Lower Shabeelle': 'Lower Shabelle', 'SO:Middle Shabele': 'Middle Shabelle',
  'SO:Hiiraan': 'Hiraan', 'SO:Banaadir': 'Banadir', 'LY:Misratah': 'Misrata', 'LY:Banghazi': 'Benghazi',
  'LY:Az Zawiyah': 'Zawiya', 'LY:Surt': 'Sirt', 'LY:Darnah': 'Derna', 'LY:Sabha District': 'Sabha',
  'IQ:Salah ad Din': 'Salah al-Din', 'IQ:Nineveh': 'Ninewa', 'IQ:Al-Qadisiyah': 'Al-Qadissiya', 'IQ:Dhi Qar': 'Thi-Qar',
  "YE:Ma'rib": 'Marib', "YE:Ta'izz": 'Taizz', "YE:Sa'dah": 'Sadah', 'YE:Sanaa Governorate': 'Sanaa',
  'YE:Amanat Alasimah': 'Amanat al Asimah', 'YE:Muhafazat Hadramaout': 'Hadramawt', "YE:Ad Dali'": 'Ad Dali',
  'YE:Dhamar': 'Dhamar', 'YE:Hajjah': 'Hajjah', 'YE:Lahij': 'Lahj', 'YE:Omran': 'Amran', 'YE:Soqatra': 'Socotra',
  'LB:South Governorate': 'South', 'LB:Baalbek-Hermel Governorate': 'Baalbek-Hermel', 'AF:Maidan Wardak Province': 'Wardak',
  'AF:Sar-e Pol Province': 'Sar-e-Pul', 'AF:Ghowr': 'Ghor', 'AF:Khowst': 'Khost', 'AF:Oruzgan': 'Uruzgan',
  'CD:Bas-Congo': 'Kongo-Central', 'CD:East Kasai': 'Kasai-Oriental', 'SY:Rif-dimashq': 'Rural Damascus',
  'SY:Suwayda': 'As-Suwayda', 'SY:Tartus': 'Tartous', 'SY:Damascus Governorate': 'Damascus', 'NG:FCT': 'Federal Capital Territory',
  'PK:Azad Kashmir': 'Azad Kashmir', 'UA:Kyiv City': 'Kyiv City', 'UA:Sevastopol City': 'Sevastopol',
};
export function cleanAdmin1(iso2: string, raw: string): string {
  const o = ADMIN1_OVERRIDE[`${iso2}:${fold(raw)}`] ?? ADMIN1_OVERRIDE[`${iso2}:${raw}`];
  if (o) return o;
  let s = fold(raw);
  s = s.replace(/^(Muhafazat|Wilayat|Provincia de|Province de|Region de|Departement d[eu']s?|Estado de|State of)\s+/i, '');
  s = s.replace(/\s+(Governorate|Province|Oblast|State|Region|District|Prefecture|Department|Municipality|Division|Krai|Republic|County|Wilayah|Muhafazah)$/i, '');
  return s;
}

