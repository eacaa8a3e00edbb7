/**
 * The per-address rate-limit key of a client address. An IPv6 client usually
 * gets a whole /64 (2^64 addresses), so keying on the full address would let
 * one client rotate past every per-address limit: IPv6 addresses are keyed on
 * their first 64 bits. IPv4 (and IPv4-mapped IPv6) and anything unparsable
 * are keyed as they are.
 */
export function addressKey(address: string): string {
  let text = address.trim().toLowerCase().replace(/^\[|\]$/g, '');
  // The zone id (`fe80::1%eth0`) is not part of the address; indexOf, not a regex, on what a callback may return.
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (!text.includes(':')) return text;
  const groups = expandIpv6(text);
  if (!groups) return text;
  // IPv4-mapped (::ffff:a.b.c.d, however it is written: ::ffff:c000:201 too) is that IPv4 client, keyed as one.
  if (groups.slice(0, 5).every((g) => g === '0000') && groups[5] === 'ffff') {
    return [groups[6]!, groups[7]!].flatMap((g) => [parseInt(g.slice(0, 2), 16), parseInt(g.slice(2), 16)]).join('.');
  }
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** `2001:db8::1` → eight 4-digit groups, or undefined when it is not IPv6 text. */
function expandIpv6(text: string): string[] | undefined {
  // An embedded IPv4 tail is the last 32 bits, two groups.
  const body = text.replace(/(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/, (_, a: string, b: string, c: string, d: string) =>
    `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`);
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string | undefined): string[] => (part ? part.split(':') : []);
  const head = parse(halves[0]);
  const rest = parse(halves[1]);
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...rest];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => g.padStart(4, '0'));
}
