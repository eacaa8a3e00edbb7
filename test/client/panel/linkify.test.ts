/** SPEC §10 "Links": http(s) URLs and e-mail addresses become DOM links; every other scheme, and all markup, stays text. */
import { describe, expect, it } from 'vitest';
import { linkify } from '../../../src/client/panel/linkify.js';

/** The nodes as `text` or `[href|rel|target|text]`. */
const shown = (body: string): string[] =>
  linkify(body).map((part) =>
    typeof part === 'string' ? part : `[${(part as HTMLAnchorElement).getAttribute('href')}|${(part as HTMLAnchorElement).rel}|${(part as HTMLAnchorElement).target}|${part.textContent}]`,
  );

describe('linkify', () => {
  it('links http and https URLs, leaving sentence punctuation outside', () => {
    expect(shown('Track it at https://track.example.com/a?b=1&c=2. Or http://x.test/p), thanks')).toEqual([
      'Track it at ',
      '[https://track.example.com/a?b=1&c=2|noopener noreferrer nofollow ugc|_blank|https://track.example.com/a?b=1&c=2]',
      '. Or ',
      '[http://x.test/p|noopener noreferrer nofollow ugc|_blank|http://x.test/p]',
      '), thanks',
    ]);
  });

  it('links e-mail addresses as mailto:', () => {
    expect(shown('Write to help@shop.example.com.')).toEqual(['Write to ', '[mailto:help@shop.example.com|noopener noreferrer nofollow ugc|_blank|help@shop.example.com]', '.']);
  });

  it('leaves every other scheme, and markup, as text', () => {
    for (const body of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'file:///etc/passwd', '<a href="https://evil.test">x</a>'.replace('https://', 'hxxps://')]) {
      expect(shown(body)).toEqual([body]);
    }
    // A link inside markup is linked up to the markup, which stays characters.
    expect(shown('<b>https://ok.test</b>')).toEqual(['<b>', '[https://ok.test/|noopener noreferrer nofollow ugc|_blank|https://ok.test]', '</b>']);
  });
});
