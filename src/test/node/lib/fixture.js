'use strict';
// One scenario's world: a fresh key prefix, the stock Queue / Worker / QueueEvents of the major
// under test, and the Java side adding to the same queue. Everything is closed and the keys are
// deleted afterwards.

const { bullmq, connection, IORedis, randomPrefix, deleteKeys } = require('./harness');

async function withQueue(java, fn, { name = 'q' } = {}) {
  const prefix = randomPrefix();
  const redis = new IORedis(connection);
  const closers = [];
  const queue = new bullmq.Queue(name, { connection, prefix });
  await queue.waitUntilReady();
  const ctx = {
    prefix,
    name,
    queue,
    redis,
    key: suffix => `${prefix}:${name}:${suffix}`,
    /** A stock Worker; records every run in ctx.runs. */
    worker(processor, opts = {}) {
      const worker = new bullmq.Worker(
        name,
        async job => {
          ctx.runs.push({ id: job.id, name: job.name, data: job.data, attemptsMade: job.attemptsMade, at: Date.now(), processedOn: job.processedOn });
          return processor ? processor(job) : { ok: job.id };
        },
        { connection, prefix, concurrency: 1, ...opts },
      );
      worker.on('error', () => {});
      closers.push(() => worker.close());
      return worker;
    },
    runs: [],
    /** A stock QueueEvents reading the stream from its start, so no event can slip by. */
    async events() {
      const queueEvents = new bullmq.QueueEvents(name, { connection, prefix, lastEventId: '0-0' });
      closers.push(() => queueEvents.close());
      await queueEvents.waitUntilReady();
      return queueEvents;
    },
    /** Java BullMqClient.add */
    add: (jobName, data, opts, queueName = name) =>
      java.request('add', { prefix, queue: queueName, name: jobName, data, opts }),
    /** Java BullMqClient.addAll */
    addAll: jobs => java.request('addAll', { prefix, jobs: jobs.map(job => ({ queue: name, ...job })) }),
    /** Through the Camel component: bullmq:<queue>?<params>&prefix=<prefix>, body as JSON. */
    send: (params, body, headers = {}) =>
      java.request('send', {
        uri: `bullmq:${name}?${params}${params ? '&' : ''}prefix=${encodeURIComponent(prefix)}`,
        body,
        headers,
      }),
    read: (op, args = {}) => java.request(op, { prefix, queue: name, ...args }),
  };
  try {
    await fn(ctx);
  } finally {
    for (const close of closers.reverse()) {
      await close();
    }
    await queue.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  }
}

module.exports = { withQueue };
