import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { requireServer, servers } from '#kit/testing';
import { connectRedis, redisReady } from './connect.js';
import { subscribeArrays } from './subscribe.js';

const hasRedis = await requireServer(servers.redis);
describe.skipIf(!hasRedis)('subscribeArrays on Redis', () => {
  const redis = connectRedis({ host: servers.redis.host, port: servers.redis.port });
  afterAll(() => redis.disconnect());

  it('hands over the JSON arrays published on its channel only, reports ready, and hears nothing once closed', async () => {
    await redisReady(redis);
    const channel = `surge-test:subscribe:${randomUUID()}`;
    const got: unknown[][] = [];
    let ready = 0;
    const sub = subscribeArrays(redis, channel, (items) => got.push(items), () => ready++);
    await sub.subscribed;
    expect(ready).toBe(1);
    await redis.publish(channel, '[1,"a"]');
    await redis.publish(channel, 'not json');
    await redis.publish(channel, '{"an":"object"}');
    await redis.publish(`${channel}:other`, '[9]');
    await redis.publish(channel, '[2]');
    for (let i = 0; i < 500 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(got).toEqual([[1, 'a'], [2]]);
    sub.close();
    const subscribers = async () => Number(((await redis.pubsub('NUMSUB', channel)) as [string, number])[1]);
    for (let i = 0; i < 500 && (await subscribers()) > 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(await subscribers()).toBe(0);
  });
});
