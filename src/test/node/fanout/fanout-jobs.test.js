'use strict';
// The jobs the router itself added while FanoutIT ran against this machine's Redis (external
// broker pass): stock BullMQ 5 and 6 read each one exactly as FanoutIT expected it, and a stock
// BullMQ 6 Worker processes all of them. Run by .ci/run after the external pass, which writes
// target/fanout-jobs.json and leaves the jobs in Redis.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const manifestFile = path.resolve(__dirname, '..', '..', '..', '..', 'target', 'fanout-jobs.json');
const connection = {
  host: process.env.REDIS_HOST || '127.0.0.1',
  port: Number(process.env.REDIS_PORT || 6379),
  maxRetriesPerRequest: null,
};

const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
const queues = [...new Set(manifest.jobs.map((j) => j.queue))];

for (const major of ['5', '6']) {
  test(`stock BullMQ ${major} reads every job the router added`, async () => {
    const { Queue } = require(`bullmq-v${major}`);
    assert.ok(manifest.jobs.length > 0, 'the manifest lists jobs');
    for (const name of queues) {
      const queue = new Queue(name, { connection, prefix: manifest.prefix });
      try {
        for (const expected of manifest.jobs.filter((j) => j.queue === name)) {
          const job = await queue.getJob(expected.id);
          assert.ok(job, `job ${expected.id} in ${name}`);
          assert.equal(job.name, expected.name);
          assert.deepEqual(job.data, JSON.parse(expected.data));
          assert.equal(job.opts.attempts, 3);
          assert.deepEqual(job.opts.backoff, { type: 'exponential', delay: 1000 });
          assert.equal(job.opts.priority || 0, expected.priority);
          assert.equal(await job.getState(), expected.priority > 0 ? 'prioritized' : 'waiting');
        }
      } finally {
        await queue.close();
      }
    }
  });
}

test('a stock BullMQ 6 Worker processes every job the router added', async () => {
  const { Queue, Worker } = require('bullmq-v6');
  for (const name of queues) {
    const expected = manifest.jobs.filter((j) => j.queue === name);
    const seen = new Set();
    let done;
    const all = new Promise((resolve) => {
      done = resolve;
    });
    const worker = new Worker(
      name,
      async (job) => {
        seen.add(job.id);
        if (seen.size === expected.length) {
          done();
        }
        return { ok: true };
      },
      { connection, prefix: manifest.prefix },
    );
    const timeout = setTimeout(() => done(), 30000);
    try {
      await all;
      assert.deepEqual([...seen].sort(), expected.map((j) => j.id).sort(), `every job of ${name} processed`);
    } finally {
      clearTimeout(timeout);
      await worker.close();
    }
    const queue = new Queue(name, { connection, prefix: manifest.prefix });
    try {
      await queue.obliterate({ force: true });
    } finally {
      await queue.close();
    }
  }
});
