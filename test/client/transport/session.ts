import { vi } from 'vitest';
import { KEY } from '../real-server.js';
import { nowSeconds, signHS256 } from '../../helpers/sign.js';

/** A JWT for the real server's community key (independent signer), for visitor `uuid`. */
export const visitorJwt = (uuid = 'visitor-1'): string => signHS256({ uuid, exp: nowSeconds() + 7200 }, KEY);

/** The tests' clock: the handler's timers and the stream's are the faked ones (real-server.ts). */
export const fakeClock = (): void =>
  void vi.useFakeTimers({ now: Date.UTC(2026, 0, 1), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
