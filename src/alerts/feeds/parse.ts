/**
 * Feed parsing (pure): RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 text → FeedItem[], with fast-xml-parser.
 * Malformed XML is rejected with the parser's line/column (nothing is half-read). Entities are decoded;
 * DOCTYPE entity expansion is left to fast-xml-parser's own limits.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { htmlToText } from './article.js';

export interface FeedItem {
  /** Stable identity: guid/id, else link, else title+date. */
  guid: string;
  title: string | null;
  link: string | null;
  /** ISO timestamp or null. */
  published: string | null;
  /** Plain text of the summary/description. */
  summary: string;
  /** Plain text of the full content (content:encoded, Atom content), when the feed carries it. */
  content: string;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'rdf';
  title: string | null;
  items: FeedItem[];
}

export class FeedParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedParseError';
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  processEntities: true,
  htmlEntities: true,
  trimValues: true,
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => ['item', 'entry', 'link'].includes(name),
});

type Node = unknown;

/** Text of a node that may be a string, a {#text} object, or an array of those. */
function text(n: Node): string | null {
  if (n == null) return null;
  if (typeof n === 'string') return n;
  if (typeof n === 'number' || typeof n === 'boolean') return String(n);
  if (Array.isArray(n)) return text(n[0]);
  if (typeof n === 'object') {
    const t = (n as Record<string, unknown>)['#text'];
    return t == null ? '' : String(t);
  }
  return null;
}

function attr(n: Node, name: string): string | null {
  if (n && typeof n === 'object' && !Array.isArray(n)) {
    const v = (n as Record<string, unknown>)['@_' + name];
    return v == null ? null : String(v);
  }
  return null;
}

function toIso(s: string | null): string | null {
  if (!s) return null;
  const t = Date.parse(s.trim());
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** Atom text constructs: type="html"/"xhtml" hold markup; "text" is plain. */
function atomText(n: Node): string {
  const t = text(n) ?? '';
  const type = attr(n, 'type');
  return type === 'html' || type === 'xhtml' || /<[a-z][\s\S]*>/i.test(t) ? htmlToText(t) : t;
}

function plain(s: string | null): string {
  if (!s) return '';
  return /<[a-z!/][\s\S]*>|&[#\w]+;/i.test(s) ? htmlToText(s) : s.trim();
}

function safeLink(href: string | null, base: string | undefined): string | null {
  if (!href) return null;
  try {
    const u = new URL(href.trim(), base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** Parse feed XML text. `baseUrl` resolves relative links. Throws FeedParseError. */
export function parseFeed(xml: string, baseUrl?: string): ParsedFeed {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new FeedParseError(`malformed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  }
  let doc: Record<string, any>;
  try {
    doc = parser.parse(xml);
  } catch (e) {
    throw new FeedParseError(`malformed XML: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (doc.rss?.channel) {
    const ch = Array.isArray(doc.rss.channel) ? doc.rss.channel[0] : doc.rss.channel;
    return { format: 'rss', title: plain(text(ch.title)), items: (ch.item ?? []).map((it: any) => rssItem(it, baseUrl)) };
  }
  if (doc['rdf:RDF']) {
    const rdf = doc['rdf:RDF'];
    const ch = rdf.channel;
    return { format: 'rdf', title: plain(text(ch?.title)), items: (rdf.item ?? []).map((it: any) => rssItem(it, baseUrl)) };
  }
  if (doc.feed) {
    const f = doc.feed;
    return { format: 'atom', title: atomText(f.title) || null, items: (f.entry ?? []).map((e: any) => atomEntry(e, baseUrl)) };
  }
  throw new FeedParseError('not an RSS or Atom feed (no <rss>, <rdf:RDF> or <feed> root)');
}

function rssItem(it: any, base: string | undefined): FeedItem {
  const title = plain(text(it.title)) || null;
  const guidNode = it.guid;
  const guidText = text(guidNode)?.trim() || null;
  let link = safeLink(text(it.link), base);
  if (!link && guidText && attr(guidNode, 'isPermaLink') !== 'false') link = safeLink(guidText, base);
  const published = toIso(text(it.pubDate) ?? text(it['dc:date']) ?? null);
  return {
    guid: guidText ?? link ?? `${title ?? ''}|${published ?? ''}`,
    title,
    link,
    published,
    summary: plain(text(it.description)),
    content: plain(text(it['content:encoded'])),
  };
}

function atomEntry(e: any, base: string | undefined): FeedItem {
  const links: any[] = e.link ?? [];
  const alt = links.find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate') ?? links[0];
  const link = safeLink(attr(alt, 'href'), base);
  const title = atomText(e.title) || null;
  const published = toIso(text(e.published) ?? text(e.updated));
  const id = text(e.id)?.trim() || null;
  return {
    guid: id ?? link ?? `${title ?? ''}|${published ?? ''}`,
    title,
    link,
    published,
    summary: atomText(e.summary),
    content: e.content != null ? atomText(e.content) : '',
  };
}
