'use strict';
// The queue actions of the Java BullMqQueues (pause, resume, promote, clean, logs) judged by STOCK
// BullMQ: its Worker must stop and go again, run a promoted job before its delay, and its Queue
// must report the same counts, jobs and logs as Java.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { MAJOR, BULLMQ_VERSION, Java, waitFor, nextEvent, delay } = require('../lib/harness');
const { withQueue } = require('../lib/fixture');

describe(`queue actions from Java, stock bullmq ${BULLMQ_VERSION}`, () => {
  let java;
  before(async () => {
    java = await Java.start();
  });
  after(async () => {
    await java.close();
  });

  test('Java pause stops a stock Worker and Queue.isPaused agrees; Java resume lets it complete every job', () =>
    withQueue(java, async q => {
      const events = await q.events();
      const ids = [(await q.queue.add('n1', {})).id, await q.add('j1', { j: 1 }), (await q.queue.add('n2', {})).id];

      const paused = nextEvent(events, 'paused');
      assert.equal(await q.read('pause'), true);
      await paused;
      assert.equal(await q.queue.isPaused(), true);
      assert.equal(await q.read('pause'), false, 'already paused');
      const counts = await q.queue.getJobCounts('waiting', 'paused');
      if (MAJOR === '5') {
        assert.deepEqual([counts.waiting, counts.paused], [0, 3]);
      } else {
        assert.equal(counts.waiting, 3);
      }
      // Added while paused, from both sides.
      ids.push((await q.queue.add('n3', {})).id, await q.add('j2', { j: 2 }));

      q.worker(job => `done ${job.id}`, { drainDelay: 1 });
      // A negative check needs a window: the worker polls at least every second (drainDelay 1).
      await delay(2500);
      assert.deepEqual(q.runs, [], 'a paused queue gives the worker nothing');
      assert.equal(await q.queue.getCompletedCount(), 0);

      const resumed = nextEvent(events, 'resumed');
      const resumedAt = Date.now();
      assert.equal(await q.read('resume'), true);
      await resumed;
      assert.equal(await q.queue.isPaused(), false);
      await waitFor(async () => (await q.queue.getCompletedCount()) === 5, { what: 'all five jobs completed' });
      assert.deepEqual(q.runs.map(r => r.id).sort(), [...ids].sort());
      assert.ok(q.runs[0].at - resumedAt < 1500, `first job ran ${q.runs[0].at - resumedAt} ms after resume`);
      assert.deepEqual(q.runs.slice(0, 3).map(r => r.id), ids.slice(0, 3), 'jobs waiting before the pause run first, in order');
      assert.equal(await q.read('resume'), false, 'not paused any more');
      const after = await q.queue.getJobCounts();
      assert.equal(after.waiting + (after.paused ?? 0) + after.active, 0);
    }));

  test('Node Queue.resume() after a Java pause loses no job (and the reverse)', () =>
    withQueue(java, async q => {
      await q.queue.add('n1', {});
      await q.read('pause');
      await q.queue.add('n2', {});
      await q.add('j1', {});
      await q.queue.resume();
      assert.equal(await q.read('isPaused'), false);
      assert.equal(await q.queue.getWaitingCount(), 3);

      await q.queue.pause();
      await q.add('j2', {});
      await q.queue.add('n3', {});
      assert.equal(await q.read('resume'), true);
      assert.equal(await q.queue.isPaused(), false);
      q.worker(null, { drainDelay: 1 });
      await waitFor(async () => (await q.queue.getCompletedCount()) === 5, { what: 'all five jobs completed' });
    }));

  test('Java promote runs a delayed job Node added long before its delay', () =>
    withQueue(java, async q => {
      const job = await q.queue.add('later', { x: 1 }, { delay: 60_000 });
      const prio = await q.queue.add('later-prio', {}, { delay: 60_000, priority: 4 });
      q.worker(j => `ran ${j.id}`, { drainDelay: 5 });
      await delay(300); // the worker is now blocked waiting for the delayed marker
      const promotedAt = Date.now();
      assert.deepEqual(await q.read('promote', { jobId: job.id }), { outcome: 'DONE', state: 'waiting' });
      await waitFor(async () => (await q.queue.getJob(job.id)).finishedOn, { what: 'the promoted job to finish' });
      const done = await q.queue.getJob(job.id);
      assert.equal(await done.getState(), 'completed');
      assert.equal(done.returnvalue, `ran ${job.id}`);
      assert.equal(done.delay, 0);
      assert.ok(done.processedOn - promotedAt < 2000, `picked up ${done.processedOn - promotedAt} ms after promote`);

      assert.deepEqual(await q.read('promote', { jobId: prio.id }), { outcome: 'DONE', state: 'prioritized' });
      await waitFor(async () => (await q.queue.getJob(prio.id)).finishedOn, { what: 'the prioritized job to finish' });

      assert.deepEqual(await q.read('promote', { jobId: job.id }), { outcome: 'WRONG_STATE', state: 'completed' });
      assert.deepEqual(await q.read('promote', { jobId: 'no-such-job' }), { outcome: 'NOT_FOUND', state: null });
    }));

  test('Java clean of failed jobs a stock Worker failed: Node counts and getJob agree', () =>
    withQueue(java, async q => {
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await q.queue.add('bad', { i })).id);
      const kept = (await q.queue.add('ok', {})).id;
      q.worker(async job => {
        await job.log(`trying ${job.id}`);
        if (job.name === 'bad') throw new Error(`bad ${job.id}`);
        return 'fine';
      });
      await waitFor(async () => (await q.queue.getFailedCount()) === 3 && (await q.queue.getCompletedCount()) === 1, {
        what: 'three failed, one completed',
      });

      assert.deepEqual(await q.read('clean', { state: 'failed', graceMs: 60_000, limit: 10 }), [], 'none is a minute old');
      const removed = await q.read('clean', { state: 'failed', graceMs: 0, limit: 2 });
      assert.deepEqual(removed, ids.slice(0, 2), 'the two oldest');

      const counts = await q.queue.getJobCounts('failed', 'completed');
      assert.deepEqual(counts, { failed: 1, completed: 1 });
      for (const id of removed) {
        assert.equal(await q.queue.getJob(id), undefined, `job ${id} is gone`);
        assert.deepEqual(await q.queue.getJobLogs(id), { logs: [], count: 0 });
      }
      const left = await q.queue.getJob(ids[2]);
      assert.equal(await left.getState(), 'failed');
      assert.equal(left.failedReason, `bad ${ids[2]}`);
      assert.deepEqual((await q.queue.getFailed()).map(j => j.id), [ids[2]]);
      assert.deepEqual(await q.read('clean', { state: 'completed', graceMs: 0, limit: 10 }), [kept]);
      assert.equal(await q.queue.getCompletedCount(), 0);
    }));

  test('Java reads the logs a Node processor wrote with job.log(), as Queue.getJobLogs does', () =>
    withQueue(java, async q => {
      const job = await q.queue.add('logging', {});
      q.worker(async j => {
        for (let i = 1; i <= 5; i++) await j.log(`line ${i} of ${j.id}`);
        return 'ok';
      });
      await waitFor(async () => (await q.queue.getJob(job.id)).finishedOn, { what: 'the job to finish' });
      for (const [start, end, asc] of [[0, -1, true], [1, 2, true], [3, 10, true], [0, 0, false], [1, 3, false], [0, -1, false]]) {
        const node = await q.queue.getJobLogs(job.id, start, end, asc);
        const read = await q.read('logs', { jobId: job.id, start, end, asc });
        assert.deepEqual({ logs: read.logs, count: read.count }, node, `${start}..${end} asc=${asc}`);
        assert.equal(read.jobExists, true);
      }
      assert.deepEqual(await q.read('logs', { jobId: 'no-such-job' }), { logs: [], count: 0, jobExists: false });
    }));
});
