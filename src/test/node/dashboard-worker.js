'use strict';
// A stock BullMQ 6 Worker for DashboardBrowserIT: it fails every attempt a job was given
// (opts.attempts) with "transcoder unavailable", so the job ends in failed; once an operator
// retries it from the dashboard (which keeps attemptsMade), the next run completes it.
// Env: REDIS_HOST, REDIS_PORT, BULLMQ_PREFIX, BULLMQ_QUEUE. Prints "ready" once listening.

const { Worker } = require('bullmq-v6');

const worker = new Worker(
  process.env.BULLMQ_QUEUE,
  async (job) => {
    await job.log(`attempt ${job.attemptsMade + 1} of ${job.opts.attempts || 1}: transcoding ${job.data.attachment ? job.data.attachment.url : job.id}`);
    if (job.attemptsMade < (job.opts.attempts || 1)) {
      throw new Error('transcoder unavailable');
    }
    return { transcoded: true };
  },
  {
    connection: {
      host: process.env.REDIS_HOST || '127.0.0.1',
      port: Number(process.env.REDIS_PORT || 6379),
      maxRetriesPerRequest: null,
    },
    prefix: process.env.BULLMQ_PREFIX,
    concurrency: 1,
  },
);

worker.on('error', (err) => console.error('worker error', err));
worker.waitUntilReady().then(() => console.log('ready'));

const stop = () => worker.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
