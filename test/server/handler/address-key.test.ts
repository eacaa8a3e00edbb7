import { describe, expect, it } from 'vitest';
import { addressKey } from '../../../src/server/handler/address-key.js';

describe('addressKey: the per-address rate-limit key', () => {
  it('keys IPv4 on the whole address, trimmed', () => {
    expect(addressKey(' 203.0.113.7 ')).toBe('203.0.113.7');
  });

  it('keys every IPv6 address of one /64 alike, whatever its spelling', () => {
    const key = '2001:0db8:0000:0001::/64';
    expect(addressKey('2001:db8:0:1::1')).toBe(key);
    expect(addressKey('2001:DB8:0:1:ffff:ffff:ffff:ffff')).toBe(key);
    expect(addressKey('[2001:db8:0:1::abcd]')).toBe(key);
    expect(addressKey('2001:db8:0:1::1%eth0')).toBe(key);
    expect(addressKey('2001:db8:0:2::1')).toBe('2001:0db8:0000:0002::/64');
  });

  it('expands the :: at either end and reads an embedded IPv4 tail as the last 32 bits', () => {
    expect(addressKey('::1')).toBe('0000:0000:0000:0000::/64');
    expect(addressKey('fe80::')).toBe('fe80:0000:0000:0000::/64');
    expect(addressKey('64:ff9b:1:2::192.0.2.33')).toBe('0064:ff9b:0001:0002::/64');
  });

  it('keys an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(addressKey('::ffff:198.51.100.4')).toBe('198.51.100.4');
    expect(addressKey('::FFFF:198.51.100.4')).toBe('198.51.100.4');
  });

  it('keys an IPv4-mapped address written in hex or in full as that IPv4 client, not one bucket with ::1', () => {
    expect(addressKey('::ffff:c000:201')).toBe('192.0.2.1');
    expect(addressKey('0:0:0:0:0:ffff:c633:6404')).toBe('198.51.100.4');
    expect(addressKey('0:0:0:0:0:FFFF:198.51.100.4')).toBe('198.51.100.4');
    expect(addressKey('::ffff:c000:202')).not.toBe(addressKey('::ffff:c000:201'));
    expect(addressKey('::1')).toBe('0000:0000:0000:0000::/64');
  });

  it('keys what is not IPv6 text as it is (lower-cased): two ::, too many groups, a 5-digit group', () => {
    expect(addressKey('1::2::3')).toBe('1::2::3');
    expect(addressKey('1:2:3:4:5:6:7:8:9')).toBe('1:2:3:4:5:6:7:8:9');
    expect(addressKey('1:2:3:4:5:6:7')).toBe('1:2:3:4:5:6:7');
    expect(addressKey('1:2:3:4::5:6:7:8')).toBe('1:2:3:4::5:6:7:8');
    expect(addressKey('12345::1')).toBe('12345::1');
    expect(addressKey('Unix:Socket')).toBe('unix:socket');
  });
});
