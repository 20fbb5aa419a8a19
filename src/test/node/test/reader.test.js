'use strict';
// The reverse: jobs STOCK BullMQ's Queue.add added and its Worker processed, read by the Java
// BullMqQueues (counts, pages, one job, retry), compared with what Node's own Queue reports.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { MAJOR, BULLMQ_VERSION, Java, waitFor } = require('../lib/harness');
const { withQueue } = require('../lib/fixture');

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed', 'waiting-children'];

/** A queue in every common state, filled by Node. Returns the ids by role. */
async function fillFromNode(q) {
  const ids = {};
  ids.ok = (await q.queue.add('ok', { i: 1 })).id;
  ids.fail = (await q.queue.add('fail', { i: 2 }, { attempts: 2, backoff: 50 })).id;
  ids.ok2 = (await q.queue.add('ok', { i: 3 }, { removeOnComplete: false })).id;
  const worker = q.worker(job => {
    if (job.name === 'fail') throw new Error(`no luck for ${job.id}`);
    return { done: job.data.i };
  });
  await waitFor(async () => (await q.queue.getCompletedCount()) === 2 && (await q.queue.getFailedCount()) === 1, {
    what: 'two completed and one failed',
  });
  await worker.close();
  ids.waiting = [];
  for (let i = 0; i < 5; i++) ids.waiting.push((await q.queue.add('w', { i })).id);
  ids.lifo = (await q.queue.add('w', {}, { lifo: true })).id;
  ids.delayed = [(await q.queue.add('d', {}, { delay: 60000 })).id, (await q.queue.add('d', {}, { delay: 30000 })).id];
  ids.prioritized = [(await q.queue.add('p', {}, { priority: 7 })).id, (await q.queue.add('p', {}, { priority: 2 })).id];
  ids.custom = (await q.queue.add('c', { c: true }, { jobId: 'node-custom' })).id;
  return ids;
}

describe(`Node-added jobs read by Java, stock bullmq ${BULLMQ_VERSION}`, () => {
  let java;
  before(async () => {
    java = await Java.start();
  });
  after(async () => {
    await java.close();
  });

  test('counts match Queue.getJobCounts', () =>
    withQueue(java, async q => {
      await fillFromNode(q);
      const node = await q.queue.getJobCounts(...STATES);
      const javaCounts = await q.read('counts');
      for (const state of STATES) {
        assert.equal(javaCounts[state], node[state] ?? 0, state);
      }
      assert.deepEqual(
        { waiting: javaCounts.waiting, delayed: javaCounts.delayed, prioritized: javaCounts.prioritized, completed: javaCounts.completed, failed: javaCounts.failed },
        { waiting: 7, delayed: 2, prioritized: 2, completed: 2, failed: 1 },
      );
      assert.equal(javaCounts.paused, 0);
    }));

  test('pages of every state list the ids Queue.getJobs lists, in the same order', () =>
    withQueue(java, async q => {
      await fillFromNode(q);
      for (const state of ['waiting', 'delayed', 'prioritized', 'completed', 'failed']) {
        for (const [start, end] of [[0, -1], [0, 1], [1, 3], [5, 10]]) {
          const nodeIds = (await q.queue.getJobs([state], start, end)).map(j => j.id);
          const javaIds = (await q.read('jobs', { state, start, end })).map(j => j.id);
          assert.deepEqual(javaIds, nodeIds, `${state} ${start}..${end}`);
        }
      }
    }));

  test('one job reads as Queue.getJob reads it: data, opts, state, timestamps, failure and stack', () =>
    withQueue(java, async q => {
      const ids = await fillFromNode(q);
      const all = [ids.ok2, ids.fail, ids.lifo, ids.custom, ...ids.waiting, ...ids.delayed, ...ids.prioritized];
      for (const id of all) {
        const node = await q.queue.getJob(id);
        const read = await q.read('job', { jobId: id });
        assert.equal(read.state, await node.getState(), `state of ${id}`);
        assert.equal(read.name, node.name);
        assert.deepEqual(JSON.parse(read.data), node.data);
        assert.deepEqual(JSON.parse(read.opts), JSON.parse(JSON.stringify(node.opts)));
        assert.equal(read.timestamp, node.timestamp);
        assert.equal(read.processedOn, node.processedOn ?? null);
        assert.equal(read.finishedOn, node.finishedOn ?? null);
        assert.equal(read.attemptsMade, node.attemptsMade);
        assert.equal(read.delay, node.delay ?? 0);
        assert.equal(read.priority, node.priority);
        assert.equal(read.failedReason, node.failedReason ?? null);
        assert.deepEqual(read.stacktrace, node.stacktrace ?? []);
        assert.deepEqual(read.returnvalue === null ? null : JSON.parse(read.returnvalue), node.returnvalue ?? null);
      }
      const failed = await q.read('job', { jobId: ids.fail });
      assert.equal(failed.failedReason, `no luck for ${ids.fail}`);
      assert.equal(failed.attemptsMade, 2);
      assert.equal(failed.stacktrace.length, 2);
      assert.match(failed.stacktrace[1], /^Error: no luck/);
      assert.equal((await q.read('job', { jobId: ids.ok2 })).returnvalue, '{"done":3}');
      assert.equal(await q.read('job', { jobId: 'no-such-job' }), null);
      assert.deepEqual((await java.request('findJob', { prefix: q.prefix, jobId: 'node-custom' })).map(j => j.queue), [q.name]);
      assert.deepEqual(await java.request('queues', { prefix: q.prefix }), [q.name]);
    }));

  test('retry of a failed job moves it back, and a stock worker completes it', () =>
    withQueue(java, async q => {
      const ids = await fillFromNode(q);
      await q.queue.drain(true); // leave only the finished jobs
      const events = await q.events();
      const waitingAgain = new Promise(resolve =>
        events.on('waiting', args => args.jobId === ids.fail && args.prev === 'failed' && resolve(args)),
      );
      assert.equal(await q.read('retry', { jobId: ids.ok2 }), false, 'a completed job is not retried');
      assert.equal(await q.read('retry', { jobId: ids.fail }), true);
      assert.equal(await q.read('retry', { jobId: ids.fail }), false, 'not twice');
      await waitingAgain;
      const job = await q.queue.getJob(ids.fail);
      assert.equal(await job.getState(), 'waiting');
      assert.equal(job.failedReason, undefined);

      const retriedAt = Date.now();
      q.worker(job => `recovered ${job.id}`, { drainDelay: 10 });
      await waitFor(async () => (await q.queue.getJob(ids.fail)).finishedOn, { what: 'the retried job to finish' });
      const done = await q.queue.getJob(ids.fail);
      assert.equal(await done.getState(), 'completed');
      assert.equal(done.returnvalue, `recovered ${ids.fail}`);
      assert.equal(done.attemptsMade, 3);
      assert.ok(done.processedOn - retriedAt < 2000, `picked up after ${done.processedOn - retriedAt} ms`);
    }));

  test('isPaused and the paused list follow Queue.pause / resume', () =>
    withQueue(java, async q => {
      await q.queue.add('a', {});
      assert.equal(await q.read('isPaused'), false);
      await q.queue.pause();
      assert.equal(await q.read('isPaused'), true);
      const counts = await q.read('counts');
      if (MAJOR === '5') {
        assert.deepEqual([counts.waiting, counts.paused], [0, 1]);
        assert.equal((await q.read('jobs', { state: 'paused' })).length, 1);
      } else {
        assert.deepEqual([counts.waiting, counts.paused], [1, 0]);
      }
      await q.queue.resume();
      assert.equal(await q.read('isPaused'), false);
      assert.equal((await q.read('counts')).waiting, 1);
    }));
});
