/**
 * Sentence splitting with wink-nlp (model loaded once per process), with character offsets into the
 * document text. Lines are hard boundaries: headlines and bylines never run into the next sentence.
 */
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

export interface Sentence {
  start: number;
  end: number;
  text: string;
}

let nlp: ReturnType<typeof winkNLP> | null = null;

function getNlp(): ReturnType<typeof winkNLP> {
  nlp ??= winkNLP(model, ['sbd']);
  return nlp;
}

export function splitSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  const w = getNlp();
  // lines first (cheap), then wink's sentence boundaries inside each non-empty line
  const lineRe = /[^\n]+/g;
  for (const line of text.matchAll(lineRe)) {
    const lineText = line[0];
    if (!lineText.trim()) continue;
    const lineStart = line.index!;
    let sents: string[];
    if (lineText.length < 60 || !/[.!?]\s+\S/.test(lineText)) sents = [lineText];
    else sents = w.readDoc(lineText).sentences().out() as string[];
    let cursor = 0;
    for (const s of sents) {
      const t = s.trim();
      if (!t) continue;
      let at = lineText.indexOf(t, cursor);
      if (at < 0) {
        // wink normalises some whitespace; fall back to the first word
        const head = t.slice(0, Math.min(12, t.length));
        at = lineText.indexOf(head, cursor);
        if (at < 0) continue;
        const nextEnd = Math.min(lineText.length, at + t.length);
        out.push({ start: lineStart + at, end: lineStart + nextEnd, text: lineText.slice(at, nextEnd) });
        cursor = nextEnd;
        continue;
      }
      out.push({ start: lineStart + at, end: lineStart + at + t.length, text: t });
      cursor = at + t.length;
    }
  }
  return out;
}
