'use strict';
// A stock BullMQ Worker on a Redis Cluster, for RedisClusterNodeIT: BullMQ 5 or 6
// (BULLMQ_MAJOR) on an ioredis Cluster of REDIS_CLUSTER_NODES (host:port,host:port), the
// hash-tagged prefix BULLMQ_PREFIX, queue BULLMQ_QUEUE. It completes every job with the BullMQ
// version that ran it. Prints "ready" once listening.

const { Worker } = require(`bullmq-v${process.env.BULLMQ_MAJOR}`);
const { Cluster } = require('ioredis');

const nodes = process.env.REDIS_CLUSTER_NODES.split(',').map((node) => {
  const [host, port] = node.split(':');
  return { host, port: Number(port) };
});
const connection = new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: null } });
const version = require(`bullmq-v${process.env.BULLMQ_MAJOR}/package.json`).version;

const worker = new Worker(process.env.BULLMQ_QUEUE, async () => ({ bullmq: version }), {
  connection,
  prefix: process.env.BULLMQ_PREFIX,
  concurrency: 4,
});

worker.on('error', (err) => console.error('worker error', err));
worker.waitUntilReady().then(() => console.log('ready'));

const stop = () => worker.close().then(() => connection.quit()).then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
