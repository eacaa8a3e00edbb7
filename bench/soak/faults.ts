/**
 * The faults of issue 16, each injected during traffic and undone after
 * `holdMs`. Each returns once the system is back as an operator would leave
 * it (Redis running, memory limit lifted, the path restored, the process
 * continued).
 */
import { redisCommand, sleep } from '../../test/helpers/redis.js';
import type { Deployment } from './deployment.js';

export type FaultName = 'redis-kill' | 'client-pause' | 'debug-sleep' | 'maxmemory' | 'cut-instance' | 'stall-instance';

export const FAULTS: Record<FaultName, { describe: string; inject(d: Deployment, holdMs: number): Promise<void> }> = {
  'redis-kill': {
    describe: 'redis-server SIGKILLed, restarted on the same port and AOF',
    async inject(d, holdMs) {
      await d.redis.kill();
      await sleep(holdMs);
      await d.redis.restart();
    },
  },
  'client-pause': {
    describe: 'CLIENT PAUSE (ALL) past the engine\'s 3 s deadline',
    async inject(d, holdMs) {
      await redisCommand(d.redis.port, ['CLIENT', 'PAUSE', holdMs, 'ALL']);
      await sleep(holdMs);
    },
  },
  'debug-sleep': {
    describe: 'DEBUG SLEEP: the whole server blocked',
    async inject(d, holdMs) {
      await redisCommand(d.redis.port, ['DEBUG', 'SLEEP', holdMs / 1000], holdMs + 5_000);
    },
  },
  maxmemory: {
    describe: 'maxmemory set to what Redis already holds (noeviction): writes refused with OOM',
    async inject(d, holdMs) {
      const info = String(await redisCommand(d.redis.port, ['INFO', 'memory']));
      const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
      await redisCommand(d.redis.port, ['CONFIG', 'SET', 'maxmemory', Math.max(1, used - 64 * 1024)]);
      await sleep(holdMs);
      await redisCommand(d.redis.port, ['CONFIG', 'SET', 'maxmemory', 0]);
    },
  },
  'cut-instance': {
    describe: 'instance B cut off from Redis (its TCP path closed and refused)',
    async inject(d, holdMs) {
      d.proxy.cut();
      await sleep(holdMs);
      d.proxy.restore();
    },
  },
  'stall-instance': {
    describe: 'instance A stalled: SIGSTOP, then SIGCONT',
    async inject(d, holdMs) {
      const pid = d.instances[0].pid();
      process.kill(pid, 'SIGSTOP');
      try {
        await sleep(holdMs);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
    },
  },
};
