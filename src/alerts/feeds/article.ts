/**
 * HTML → article text (pure): @mozilla/readability (Firefox Reader View's algorithm) on a linkedom DOM.
 * linkedom rather than jsdom: it is a fraction of jsdom's size and parse time, runs no scripts and
 * fetches nothing, and Readability only needs a standard DOM tree from it. Text keeps paragraph breaks
 * (blank line between blocks) so sentence splitting and evidence offsets downstream stay sensible.
 */
import { parseHTML } from 'linkedom';
import { Readability } from '@mozilla/readability';

const BLOCK = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BR', 'DD', 'DIV', 'DL', 'DT', 'FIGCAPTION', 'FIGURE', 'FOOTER',
  'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE', 'SECTION', 'TABLE',
  'TD', 'TH', 'TR', 'UL',
]);
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'IFRAME', 'OBJECT', 'HEAD']);

interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}

/** Text of a DOM subtree with a newline after each block element; whitespace collapsed. */
export function nodeText(root: DomNode): string {
  const parts: string[] = [];
  const walk = (n: DomNode) => {
    if (n.nodeType === 3) {
      parts.push(n.textContent ?? '');
      return;
    }
    if (n.nodeType !== 1 && n.nodeType !== 9 && n.nodeType !== 11) return;
    const name = n.nodeName.toUpperCase();
    if (SKIP.has(name)) return;
    const block = BLOCK.has(name);
    if (block) parts.push('\n');
    for (let i = 0; i < n.childNodes.length; i++) walk(n.childNodes[i]!);
    if (block) parts.push('\n');
  };
  walk(root);
  return tidy(parts.join(''));
}

function tidy(s: string): string {
  return s
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t\f\v\r]+/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .join('\n')
    .replace(/\n+/g, '\n\n')
    .trim();
}

/** Plain text of an HTML fragment (feed descriptions). */
export function htmlToText(html: string): string {
  const { document } = parseHTML(`<!doctype html><html><body><div id="__root">${html}</div></body></html>`);
  const root = document.getElementById('__root');
  return root ? nodeText(root as unknown as DomNode) : '';
}

export interface Article {
  title: string | null;
  text: string;
  /** Whether Readability found an article (false: the whole body text was used). */
  readable: boolean;
  publishedTime: string | null;
  siteName: string | null;
}

/** Reduce an HTML page to its article text. Never throws on bad HTML; returns empty text at worst. */
export function extractArticle(html: string, url?: string): Article {
  // Binary or non-HTML garbage: no tags and many control characters.
  // eslint-disable-next-line no-control-regex
  const ctrl = (html.slice(0, 4096).match(/[\u0000-\u0008\u000e-\u001f]/g) ?? []).length;
  if (ctrl > 32) return { title: null, text: '', readable: false, publishedTime: null, siteName: null };
  let document: Document;
  try {
    ({ document } = parseHTML(html) as unknown as { document: Document });
  } catch {
    return { title: null, text: '', readable: false, publishedTime: null, siteName: null };
  }
  let title: string | null = null;
  try {
    title = document.querySelector('title')?.textContent?.trim() || null;
  } catch {
    // keep going without a title
  }
  try {
    if (url && !document.querySelector('base')) {
      // Readability resolves relative links against documentURI; linkedom has none, so add a <base>.
      const base = document.createElement('base');
      base.setAttribute('href', url);
      document.head?.appendChild(base);
    }
    const article = new Readability<string>(document.cloneNode(true) as Document, {
      serializer: (n) => nodeText(n as unknown as DomNode),
      charThreshold: 300,
      // Enormous DOMs make Readability throw; the plain body text below is used for them instead.
      maxElemsToParse: 50_000,
    }).parse();
    if (article?.content && article.content.length > 0) {
      return {
        title: article.title?.trim() || title,
        text: article.content,
        readable: true,
        publishedTime: article.publishedTime ?? null,
        siteName: article.siteName ?? null,
      };
    }
  } catch {
    // fall back to the body text below
  }
  const body = document.body ?? document.documentElement;
  return {
    title,
    text: body ? nodeText(body as unknown as DomNode) : '',
    readable: false,
    publishedTime: null,
    siteName: null,
  };
}
