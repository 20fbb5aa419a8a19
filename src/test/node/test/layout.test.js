'use strict';
// Indistinguishable: the same jobs added by STOCK Queue.add (queue "node") and by the Java
// BullMqClient (queue "java"), with the same timestamp, leave the same Redis behind: every key,
// hash field, list order, score, marker and event. Only the order of keys inside the opts JSON
// may differ (BullMQ re-encodes opts with cjson).

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { BULLMQ_VERSION, bullmq, connection, IORedis, Java, randomPrefix, deleteKeys } = require('../lib/harness');

/** Everything under <prefix>:<queue>:, keyed by the suffix, streams without their entry ids. */
async function dump(redis, prefix, queue) {
  const base = `${prefix}:${queue}:`;
  const out = {};
  let cursor = '0';
  const keys = [];
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${base}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  for (const key of keys.sort()) {
    const suffix = key.slice(base.length);
    const type = await redis.type(key);
    let value;
    if (type === 'string') value = await redis.get(key);
    else if (type === 'list') value = await redis.lrange(key, 0, -1);
    else if (type === 'zset') value = await redis.zrange(key, 0, -1, 'WITHSCORES');
    else if (type === 'set') value = (await redis.smembers(key)).sort();
    else if (type === 'hash') {
      value = await redis.hgetall(key);
      if (value.opts) value.opts = JSON.parse(value.opts);
    } else if (type === 'stream') value = (await redis.xrange(key, '-', '+')).map(([, fields]) => fields);
    out[suffix] = { type, value };
  }
  return out;
}

const T = Date.now() - 1000;

const CASES = [
  ['none', { hello: 'world' }, {}],
  ['contract-defaults', { to: 'a@b.c', n: 1.5, list: [1, 'two', null], nested: { ok: true } }, {
    attempts: 3,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: 86400, count: 10000 },
    removeOnFail: { age: 604800 },
  }],
  ['custom-id', { u: 'héllo ✓ "quoted"' }, { jobId: 'order-42' }],
  ['custom-id-again', { other: 1 }, { jobId: 'order-42' }],
  ['lifo-numeric-backoff', {}, { lifo: true, backoff: 500, attempts: 2 }],
  ['prio-5', {}, { priority: 5 }],
  ['prio-5-b', {}, { priority: 5 }],
  ['prio-1', {}, { priority: 1 }],
  ['delayed', {}, { delay: 60000 }],
  ['delayed-same-ms', {}, { delay: 60000 }],
  ['delayed-prioritized', {}, { delay: 5000, priority: 3 }],
  ['jitter-remove', {}, { attempts: 2, backoff: { type: 'fixed', delay: 200, jitter: 0.5 }, removeOnComplete: true, removeOnFail: 5 }],
  ['keep-all', {}, { removeOnComplete: false, removeOnFail: { age: 60, count: 2, limit: 10 } }],
];

describe(`Java jobs are laid out exactly as Queue.add lays them out, bullmq ${BULLMQ_VERSION}`, () => {
  let java;
  let redis;
  before(async () => {
    java = await Java.start();
    redis = new IORedis(connection);
  });
  after(async () => {
    await java.close();
    await redis.quit();
  });

  async function compare(pausedBeforeAdds) {
    const prefix = randomPrefix();
    const nodeQueue = new bullmq.Queue('node', { connection, prefix });
    const javaQueue = new bullmq.Queue('java', { connection, prefix }); // its meta.version, as a real deployment has
    try {
      await nodeQueue.waitUntilReady();
      await javaQueue.waitUntilReady();
      if (pausedBeforeAdds) {
        await nodeQueue.pause();
        await javaQueue.pause();
      }
      for (const [name, data, opts] of CASES) {
        const nodeJob = await nodeQueue.add(name, data, { ...opts, timestamp: T });
        const javaId = await java.request('add', { prefix, queue: 'java', name, data, opts: { ...opts, timestamp: T } });
        assert.equal(javaId, nodeJob.id, name);
      }
      const [fromNode, fromJava] = [await dump(redis, prefix, 'node'), await dump(redis, prefix, 'java')];
      assert.ok(Object.keys(fromNode).length >= 10, 'the comparison covers the queue');
      assert.deepEqual(fromJava, fromNode);
    } finally {
      await nodeQueue.close();
      await javaQueue.close();
      await deleteKeys(redis, prefix);
    }
  }

  test('plain, custom id and its duplicate, lifo, prioritized, delayed, every option form', () => compare(false));

  test('the same adds to a paused queue', () => compare(true));
});
