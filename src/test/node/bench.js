'use strict';
// Benchmark (not a test): jobs/s added to the same Redis, in the same run, by
//   Node's stock Queue.add (sequential awaits, Promise.all, addBulk) and by
//   the Java bullmq component (BullMqClient.add sequential and from threads, the Camel
//   bullmq: endpoint, pipelined BullMqClient.addAll).
// Java times itself inside its JVM; the job, its data and options are the same everywhere
// (docs/contract.md §5 defaults). Every variant runs once to warm up, then ROUNDS times, the variants
// interleaved round by round so background load hits them alike; the table shows the median
// and the best round. Usage: ./bench.sh [jobs per variant] [major] [rounds].

const { bullmq, connection, IORedis, Java, randomPrefix, deleteKeys, BULLMQ_VERSION } = require('./lib/harness');

const N = Number(process.argv[2] || process.env.BENCH_JOBS || 20000);
const ROUNDS = Number(process.argv[3] || process.env.BENCH_ROUNDS || 3);
const CHUNK = 1000;
const DATA = { to: 'user@example.com', template: 'welcome', userId: 'u-123456' };
const OPTS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 86400, count: 10000 },
  removeOnFail: { age: 604800 },
};

async function node(mode, n, prefix) {
  const queue = new bullmq.Queue('bench', { connection, prefix });
  await queue.waitUntilReady();
  const start = process.hrtime.bigint();
  if (mode === 'sequential') {
    for (let i = 0; i < n; i++) await queue.add('bench', DATA, OPTS);
  } else {
    for (let done = 0; done < n; done += CHUNK) {
      const size = Math.min(CHUNK, n - done);
      if (mode === 'promise-all') {
        await Promise.all(Array.from({ length: size }, () => queue.add('bench', DATA, OPTS)));
      } else {
        await queue.addBulk(Array.from({ length: size }, () => ({ name: 'bench', data: DATA, opts: OPTS })));
      }
    }
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await queue.close();
  return { n, ms, jobsPerSec: Math.round((n * 1000) / ms) };
}

async function main() {
  const redis = new IORedis(connection);
  const java = await Java.start();
  const variants = [
    ['Node  Queue.add, sequential await', p => node('sequential', N, p)],
    [`Node  Queue.add, Promise.all of ${CHUNK}`, p => node('promise-all', N, p)],
    [`Node  Queue.addBulk of ${CHUNK}`, p => node('bulk', N, p)],
    ['Java  BullMqClient.add, sequential', p => java.request('bench', { prefix: p, queue: 'bench', n: N, mode: 'add' })],
    ['Java  BullMqClient.add, 8 threads', p => java.request('bench', { prefix: p, queue: 'bench', n: N, mode: 'add-threads', threads: 8 })],
    ['Java  Camel bullmq: endpoint, sequential', p => java.request('bench', { prefix: p, queue: 'bench', n: N, mode: 'camel' })],
    [`Java  BullMqClient.addAll of ${CHUNK} (pipelined)`, p => java.request('bench', { prefix: p, queue: 'bench', n: N, mode: 'addAll', batch: CHUNK })],
  ];
  try {
    // Warm-up: JIT, script caches, connections.
    for (const [, run] of variants) {
      const prefix = randomPrefix();
      await run(prefix);
      await deleteKeys(redis, prefix);
    }
    const rates = variants.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [index, [name, run]] of variants.entries()) {
        const prefix = randomPrefix();
        const result = await run(prefix);
        const stored = await redis.llen(`${prefix}:bench:wait`);
        if (stored !== N) throw new Error(`${name}: ${stored} jobs in wait, expected ${N}`);
        await deleteKeys(redis, prefix);
        rates[index].push(result.jobsPerSec);
      }
    }
    if (process.env.BENCH_VERBOSE) console.error(JSON.stringify(rates));
    const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const rows = variants.map(([name], index) => [name, { jobsPerSec: median(rates[index]), best: Math.max(...rates[index]) }]);
    const base = rows[0][1].jobsPerSec;
    const info = (await redis.info('server')).match(/redis_version:(\S+)/)[1];
    console.log(`\n${N} jobs per variant, median of ${ROUNDS} rounds, Redis ${info} at ${connection.host}:${connection.port}, bullmq ${BULLMQ_VERSION}, node ${process.version}\n`);
    console.log(`| variant | jobs/s (median) | best round | vs Node sequential |`);
    console.log(`|---|---:|---:|---:|`);
    for (const [name, r] of rows) {
      console.log(`| ${name} | ${r.jobsPerSec} | ${r.best} | ${(r.jobsPerSec / base).toFixed(2)}x |`);
    }
  } finally {
    await java.close();
    await redis.quit();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
