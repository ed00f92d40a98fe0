/**
 * Pipeline geo errors: runs the whole extractor over the dev gold (as `npm run eval` does) and lists the
 * matched pairs whose place is more than 10 km from gold or whose admin1 differs, with the mention the
 * extractor placed and the geocoder's note.
 *
 * Run: npx tsx eval/geo-pairs.ts [GOLD.jsonl]
 */
import { DEFAULT_GOLD, normPlace, runEval } from '../src/eval/index.js';

const result = runEval(process.argv[2] ?? DEFAULT_GOLD);
const rows: string[] = [];
for (const { id, match } of result.matches) {
  for (const { pred, gold, km } of match.pairs) {
    const far = gold.latitude != null && gold.longitude != null && (km === null || km > 10);
    const a1 = normPlace(pred.admin1) !== normPlace(gold.admin1);
    if (!far && !a1) continue;
    const p = pred as unknown as Record<string, unknown>;
    rows.push(
      `| ${id} | ${gold.location} (${gold.admin1 ?? '-'}) | ${String(p.location)} (${String(p.admin1 ?? '-')}) p${String(p.geo_precision)} ` +
        `${p.geo_note ? `[${String(p.geo_note)}]` : ''} | ${km === null ? '-' : `${km.toFixed(1)} km`} | ${far ? 'far ' : ''}${a1 ? 'admin1' : ''} |`,
    );
  }
}
console.log('| doc | gold | ours | distance | error |\n|---|---|---|---|---|');
console.log(rows.join('\n'));
const s = result.scores as unknown as { fields: Record<string, { right: number; total: number }> };
const f = s.fields ?? (result.scores as unknown as Record<string, { right: number; total: number }>);
for (const k of ['within_10km', 'admin1']) {
  const v = f[k];
  if (v) console.log(`${k}: ${((100 * v.right) / v.total).toFixed(1)}% (${v.right}/${v.total})`);
}
