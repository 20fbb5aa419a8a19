'use strict';
// Jobs the Java side adds (BullMqClient and the Camel bullmq endpoint), judged by STOCK BullMQ:
// Worker processes them, QueueEvents sees their events, Queue inspects them.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { MAJOR, BULLMQ_VERSION, Java, waitFor, delay, nextEvent } = require('../lib/harness');
const { withQueue } = require('../lib/fixture');

describe(`Java-added jobs, stock bullmq ${BULLMQ_VERSION}`, () => {
  let java;
  before(async () => {
    java = await Java.start();
  });
  after(async () => {
    await java.close();
  });

  test('a plain job runs at once, with its data, and QueueEvents sees added, waiting, completed', () =>
    withQueue(java, async q => {
      const events = await q.events();
      const seen = [];
      for (const name of ['added', 'waiting', 'active', 'completed']) {
        events.on(name, args => seen.push({ ...args, event: name }));
      }
      // An idle worker blocks on the marker for up to drainDelay (10 s): a quick pickup proves
      // the Java add woke it.
      const worker = q.worker(job => ({ echoed: job.data.hello }), { drainDelay: 10 });
      await worker.waitUntilReady();
      await delay(300);
      const completed = nextEvent(events, 'completed');

      const id = await q.add('greet', { hello: 'world', n: [1, 2] });

      const done = await completed;
      assert.equal(done.jobId, id);
      assert.deepEqual(q.runs.map(r => [r.id, r.name, r.data]), [[id, 'greet', { hello: 'world', n: [1, 2] }]]);
      const job = await q.queue.getJob(id);
      assert.deepEqual(job.returnvalue, { echoed: 'world' });
      assert.ok(job.processedOn - job.timestamp < 2000, `picked up after ${job.processedOn - job.timestamp} ms`);
      assert.equal(await job.getState(), 'completed');
      await waitFor(() => seen.some(e => e.event === 'completed'), { what: 'completed event' });
      assert.deepEqual(
        seen.filter(e => e.jobId === id).map(e => e.event),
        ['added', 'waiting', 'active', 'completed'],
      );
      assert.equal(seen.find(e => e.event === 'added').name, 'greet');
    }));

  test('a delayed job does not run before it is due, and runs when due', () =>
    withQueue(java, async q => {
      const events = await q.events();
      const delayedEvent = nextEvent(events, 'delayed');
      q.worker(null, { drainDelay: 10 });
      await delay(200);
      const id = await q.add('later', { d: 1 }, { delay: 1500 });
      const job = await q.queue.getJob(id);
      assert.equal(await job.getState(), 'delayed');
      const due = job.timestamp + 1500;
      assert.equal(Number((await delayedEvent).delay), due);

      await waitFor(() => q.runs.length === 1, { what: 'the delayed job to run' });
      const run = q.runs[0];
      assert.ok(run.processedOn >= due, `ran ${due - run.processedOn} ms early`);
      assert.ok(run.processedOn < due + 1500, `ran ${run.processedOn - due} ms late`);
    }));

  test('prioritized jobs run after unprioritized ones, by priority, first come first served within one', () =>
    withQueue(java, async q => {
      const plan = [
        ['p3-a', 3],
        ['p1-a', 1],
        ['none-a', undefined],
        ['p2-a', 2],
        ['p1-b', 1],
        ['p3-b', 3],
        ['none-b', undefined],
        ['p2-b', 2],
      ];
      for (const [name, priority] of plan) {
        if (name === 'p2-b') {
          // Through the endpoint, the priority and the name given by headers.
          await q.send('jobName=wrong&priority=9', {}, { CamelBullMqPriority: '2', CamelBullMqJobName: name });
        } else {
          await q.add(name, {}, priority ? { priority } : {});
        }
      }
      const counts = await q.queue.getJobCounts('waiting', 'prioritized');
      assert.equal(counts.prioritized, 6);
      assert.equal(counts.waiting, 2);
      q.worker();
      await waitFor(() => q.runs.length === plan.length, { what: 'all jobs to run' });
      assert.deepEqual(
        q.runs.map(r => r.name),
        ['none-a', 'none-b', 'p1-a', 'p1-b', 'p2-a', 'p2-b', 'p3-a', 'p3-b'],
      );
    }));

  test('a LIFO job runs before the jobs already waiting', () =>
    withQueue(java, async q => {
      await q.add('first', {});
      await q.add('second', {});
      await q.add('jumps-the-queue', {}, { lifo: true });
      q.worker();
      await waitFor(() => q.runs.length === 3, { what: 'three runs' });
      assert.deepEqual(q.runs.map(r => r.name), ['jumps-the-queue', 'first', 'second']);
    }));

  test('endpoint options attempts + exponential backoff: retried until it succeeds, gaps grow', () =>
    withQueue(java, async q => {
      q.worker(job => {
        if (job.attemptsMade < 2) throw new Error(`attempt ${job.attemptsMade + 1} fails`);
        return 'third time lucky';
      });
      const id = await q.send('jobName=flaky&attempts=4&backoffType=exponential&backoffDelay=200', { x: 1 });

      await waitFor(async () => (await q.queue.getJob(id))?.finishedOn, { what: 'completion' });
      const job = await q.queue.getJob(id);
      assert.equal(await job.getState(), 'completed');
      assert.equal(job.returnvalue, 'third time lucky');
      assert.equal(job.attemptsMade, 3);
      assert.deepEqual(job.opts.backoff, { type: 'exponential', delay: 200 });
      assert.equal(job.opts.attempts, 4);
      assert.equal(q.runs.length, 3);
      const gaps = [q.runs[1].at - q.runs[0].at, q.runs[2].at - q.runs[1].at];
      assert.ok(gaps[0] >= 200, `first gap ${gaps[0]} ms`);
      assert.ok(gaps[1] >= 400, `second gap ${gaps[1]} ms`);
      assert.ok(gaps[1] > gaps[0], `gaps ${gaps} should grow`);
    }));

  test('a fixed backoff with jitter (endpoint options) waits between (1-jitter) and 1 times the delay', () =>
    withQueue(java, async q => {
      q.worker(job => {
        if (job.attemptsMade === 0) throw new Error('first try fails');
      });
      const id = await q.send('jobName=jittery&attempts=2&backoffType=fixed&backoffDelay=600&backoffJitter=0.5', {});
      await waitFor(async () => (await q.queue.getJob(id))?.finishedOn, { what: 'completion' });
      const job = await q.queue.getJob(id);
      assert.deepEqual(job.opts.backoff, { type: 'fixed', delay: 600, jitter: 0.5 });
      assert.equal(await job.getState(), 'completed');
      const gap = q.runs[1].at - q.runs[0].at;
      assert.ok(gap >= 300, `gap ${gap} ms`);
      assert.ok(gap < 600 + 1000, `gap ${gap} ms`);
    }));

  test('a job failing for good lands in failed with its reason, stack traces and attempts', () =>
    withQueue(java, async q => {
      const events = await q.events();
      const failedForGood = nextEvent(events, 'failed', args => args.failedReason === 'always fails');
      const exhausted = nextEvent(events, 'retries-exhausted');
      q.worker(() => {
        throw new Error('always fails');
      });
      const id = await q.add('doomed', {}, { attempts: 2, backoff: { type: 'fixed', delay: 100 } });

      await failedForGood;
      await waitFor(async () => (await q.queue.getJob(id))?.finishedOn, { what: 'final failure' });
      const job = await q.queue.getJob(id);
      assert.equal(await job.getState(), 'failed');
      assert.equal(job.failedReason, 'always fails');
      assert.equal(job.attemptsMade, 2);
      assert.equal(job.stacktrace.length, 2);
      assert.match(job.stacktrace[0], /always fails/);
      assert.equal((await exhausted).jobId, id);
      assert.deepEqual((await q.queue.getFailed()).map(j => j.id), [id]);
      // The Java reader sees the same failure.
      const read = await q.read('job', { jobId: id });
      assert.equal(read.state, 'failed');
      assert.equal(read.failedReason, 'always fails');
      assert.equal(read.attemptsMade, 2);
      assert.deepEqual(read.stacktrace, job.stacktrace);
    }));

  test('removeOnComplete: true removes the job, a count keeps the newest, an age keeps the young', () =>
    withQueue(java, async q => {
      q.worker();
      const gone = await q.add('gone', {}, { removeOnComplete: true });
      await waitFor(() => q.runs.length === 1, { what: 'run' });
      await waitFor(async () => !(await q.redis.exists(q.key(gone))), { what: 'the job hash to go' });
      assert.equal(await q.queue.getJob(gone), undefined);

      const counted = [];
      for (let i = 0; i < 4; i++) {
        counted.push(await q.add('counted', { i }, { removeOnComplete: 2 }));
        await waitFor(() => q.runs.length === 2 + i, { what: `run ${i}` });
      }
      await waitFor(async () => (await q.queue.getCompletedCount()) === 2, { what: 'completed trimmed to 2' });
      assert.deepEqual((await q.queue.getCompleted()).map(j => j.id).sort(), counted.slice(2).sort());

      const old = await q.add('aged', {}, { removeOnComplete: { age: 1 } });
      await waitFor(async () => (await q.queue.getJob(old))?.finishedOn, { what: 'aged job done' });
      const finishedOn = (await q.queue.getJob(old)).finishedOn;
      await waitFor(() => Date.now() > finishedOn + 1100, { what: 'a second to pass', timeoutMs: 3000 });
      const young = await q.add('aged', {}, { removeOnComplete: { age: 1, count: 10 } });
      await waitFor(async () => (await q.queue.getJob(young))?.finishedOn, { what: 'young job done' });
      await waitFor(async () => !(await q.queue.getJob(old)), { what: 'the old job to be trimmed' });
      assert.equal(await (await q.queue.getJob(young)).getState(), 'completed');
    }));

  test('removeOnFail: true removes the job, a count keeps the newest, an age keeps the young', () =>
    withQueue(java, async q => {
      q.worker(() => {
        throw new Error('nope');
      });
      const gone = await q.add('gone', {}, { removeOnFail: true });
      await waitFor(() => q.runs.length === 1, { what: 'run' });
      await waitFor(async () => !(await q.redis.exists(q.key(gone))), { what: 'the job hash to go' });

      const counted = [];
      for (let i = 0; i < 3; i++) {
        counted.push(await q.send('jobName=counted&attempts=1&removeOnFail=1', { i }));
        await waitFor(() => q.runs.length === 2 + i, { what: `run ${i}` });
      }
      await waitFor(async () => (await q.queue.getFailedCount()) === 1, { what: 'failed trimmed to 1' });
      await waitFor(async () => (await q.queue.getFailed()).map(j => j.id)[0] === counted[2], { what: 'newest kept' });

      const old = await q.send('jobName=aged&attempts=1&removeOnFail=age:1', {});
      await waitFor(async () => (await q.queue.getJob(old))?.finishedOn, { what: 'aged job failed' });
      const finishedOn = (await q.queue.getJob(old)).finishedOn;
      await waitFor(() => Date.now() > finishedOn + 1100, { what: 'a second to pass', timeoutMs: 3000 });
      const young = await q.send('jobName=aged&attempts=1&removeOnFail=age:1,count:10', {});
      await waitFor(async () => (await q.queue.getJob(young))?.finishedOn, { what: 'young job failed' });
      await waitFor(async () => !(await q.queue.getJob(old)), { what: 'the old job to be trimmed' });
      assert.equal(await (await q.queue.getJob(young)).getState(), 'failed');
    }));

  test('a duplicate custom id runs once and QueueEvents sees duplicated', () =>
    withQueue(java, async q => {
      const events = await q.events();
      const duplicated = [];
      events.on('duplicated', args => duplicated.push(args.jobId));
      const first = await q.add('once', { v: 1 }, { jobId: 'evt-42.once' });
      const again = await q.add('once', { v: 2 }, { jobId: 'evt-42.once' });
      const viaCamel = await q.send('jobName=once', { v: 3 }, { CamelBullMqJobId: 'evt-42.once' });
      assert.deepEqual([first, again, viaCamel], ['evt-42.once', 'evt-42.once', 'evt-42.once']);
      await waitFor(() => duplicated.length === 2, { what: 'two duplicated events' });
      assert.deepEqual(duplicated, ['evt-42.once', 'evt-42.once']);

      q.worker();
      await waitFor(async () => (await q.queue.getCompletedCount()) === 1, { what: 'completion' });
      // Adding it again after it ran is still a no-op while its hash is kept.
      assert.equal(await q.add('once', { v: 4 }, { jobId: 'evt-42.once' }), 'evt-42.once');
      await waitFor(() => duplicated.length === 3, { what: 'third duplicated event' });
      assert.deepEqual(q.runs.map(r => r.data), [{ v: 1 }]);
      assert.equal((await q.queue.getJobCounts()).waiting, 0);
    }));

  test(`jobs added while the queue is paused wait, and all run after resume (bullmq ${MAJOR} rules)`, () =>
    withQueue(java, async q => {
      await q.queue.add('before-pause', {}); // a Node job already waiting
      await q.queue.pause();
      q.worker(null, { drainDelay: 1 });
      await q.add('plain', {});
      await q.add('lifo', {}, { lifo: true });
      await q.add('urgent', {}, { priority: 1 });
      await q.addAll([{ name: 'batch-a', data: {} }, { name: 'batch-b', data: {}, opts: { delay: 300 } }]);

      const counts = await q.queue.getJobCounts();
      if (MAJOR === '5') {
        // v5 keeps a paused queue's jobs in the paused list (a RENAME of it replaces wait on resume).
        assert.equal(counts.paused, 4);
        assert.equal(counts.waiting ?? 0, 0);
        assert.equal(await q.redis.llen(q.key('wait')), 0);
      } else {
        assert.equal(counts.waiting, 4);
        assert.equal(await q.redis.exists(q.key('paused')), 0);
      }
      assert.equal(counts.prioritized, 1);
      assert.equal(await q.queue.isPaused(), true);
      assert.equal((await q.read('isPaused')), true);
      await delay(1200); // the delayed one falls due meanwhile; nothing may run while paused
      assert.deepEqual(q.runs, []);

      await q.queue.resume();
      await waitFor(() => q.runs.length === 6, { what: 'all six jobs to run' });
      assert.deepEqual(
        q.runs.map(r => r.name).sort(),
        ['batch-a', 'batch-b', 'before-pause', 'lifo', 'plain', 'urgent'],
      );
      const after = await q.queue.getJobCounts();
      assert.equal(after.completed, 6);
      assert.equal(await q.redis.llen(q.key('paused')), 0);
    }));

  test('addAll: one round trip of mixed jobs, results in order, a refused job does not stop the others', () =>
    withQueue(java, async q => {
      const results = await q.addAll([
        { name: 'a', data: { i: 0 } },
        { name: 'b', data: { i: 1 }, opts: { priority: 2 } },
        { name: 'not-json', dataJson: '{oops' },
        { name: 'c', data: { i: 2 }, opts: { delay: 200 } },
        { name: 'd', data: { i: 3 }, opts: { jobId: 'custom-d' } },
        { name: 'bad-queue', data: {}, queue: 'a:b' },
      ]);
      assert.deepEqual(results.map(r => r.jobId ?? 'refused'), ['1', '2', 'refused', '3', 'custom-d', 'refused']);
      assert.match(results[2].error, /JSON/);
      assert.match(results[5].error, /Queue name cannot contain/);
      q.worker();
      await waitFor(() => q.runs.length === 4, { what: 'four runs' });
      assert.deepEqual(q.runs.map(r => r.name), ['a', 'd', 'b', 'c']);
    }));
});
