/**
 * ui/panel-contract.ts, SPEC §10 "Two scripts": loader.js and panel.js, built apart, meet
 * at one slot and refuse each other when their contract differs.
 */
import { describe, expect, it } from 'vitest';
import { PANEL_API, PANEL_SLOT } from '../../../src/client/ui/panel-contract.js';

describe('the meeting point of loader.js and panel.js', () => {
  it('is a registered symbol: a separately built script names the same slot', () => {
    expect(Symbol.keyFor(PANEL_SLOT)).toBe('chatq.panel');
    expect(Symbol.for('chatq.panel')).toBe(PANEL_SLOT);
  });

  it('gives the page no global name: the slot is not among the window’s string keys', () => {
    (window as unknown as Record<symbol, unknown>)[PANEL_SLOT] = {};
    try {
      expect(Object.keys(window).filter((key) => key.includes('chatq'))).toEqual([]);
    } finally {
      delete (window as unknown as Record<symbol, unknown>)[PANEL_SLOT];
    }
  });

  it('has a version a panel of another build can differ by: a positive integer', () => {
    expect(Number.isInteger(PANEL_API)).toBe(true);
    expect(PANEL_API).toBeGreaterThan(0);
  });
});
