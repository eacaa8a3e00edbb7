import { h } from '../ui/dom.js';

/**
 * `http:`/`https:` URLs and e-mail addresses in a message body, as the visitor would tap them.
 * A URL ends before whitespace, and its trailing sentence punctuation (`.` `,` `)` …) is left
 * out, as every chat client does. Any other scheme (`javascript:`, `data:`…) matches nothing
 * and stays text.
 */
const LINK = /\bhttps?:\/\/[^\s<>"]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gi;
const TRAILING = /[.,;:!?)\]}'"]+$/;

/** Where the visitor may safely go: the opener cut, no referrer, no SEO credit for what a stranger wrote. */
const REL = 'noopener noreferrer nofollow ugc';

/**
 * The body as DOM nodes (SPEC §10 "Links"): text nodes, and `<a>` elements for links. Built
 * with createTextNode and setAttribute, never from HTML: a body can never become markup.
 */
export function linkify(body: string): (Node | string)[] {
  const out: (Node | string)[] = [];
  let at = 0;
  for (const match of body.matchAll(LINK)) {
    const text = match[0].replace(TRAILING, '');
    const href = text.includes('@') && !/^https?:/i.test(text) ? `mailto:${text}` : safeUrl(text);
    if (!href) continue;
    out.push(body.slice(at, match.index), h('a', { href, target: '_blank', rel: REL }, text));
    at = match.index + text.length;
  }
  out.push(body.slice(at));
  return out.filter((part) => part !== '');
}

/** The URL as the browser parses it, when it is http(s): anything else is left as text. */
function safeUrl(text: string): string | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
