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
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (mapped) return mapped[1]!;
  const groups = expandIpv6(text);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : text;
}

/** `2001:db8::1` → eight 4-digit groups, or undefined when it is not IPv6 text. */
function expandIpv6(text: string): string[] | undefined {
  // An embedded IPv4 tail is the last 32 bits: only the first 64 matter here.
  const body = text.replace(/\d{1,3}(?:\.\d{1,3}){3}$/, '0:0');
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
