'use strict';
// Shared by the interop tests: the BullMQ major under test, the Redis to use, the Java side
// (InteropDriver over JSON lines) and small waiting helpers.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const readline = require('node:readline');
const IORedis = require('ioredis');

const MAJOR = process.env.BULLMQ_MAJOR || '6';
if (!['5', '6'].includes(MAJOR)) {
  throw new Error(`BULLMQ_MAJOR must be 5 or 6, got ${MAJOR}`);
}
const PACKAGE = `bullmq-v${MAJOR}`;
const bullmq = require(PACKAGE);
const BULLMQ_VERSION = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'node_modules', PACKAGE, 'package.json'), 'utf8'),
).version;

const connection = {
  host: process.env.REDIS_HOST || '127.0.0.1',
  port: Number(process.env.REDIS_PORT || 6379),
  maxRetriesPerRequest: null,
};

const REPO = path.resolve(__dirname, '..', '..', '..', '..');

function javaClasspath() {
  if (process.env.QUCKCHAT_JAVA_CP) {
    return process.env.QUCKCHAT_JAVA_CP;
  }
  const file = path.join(REPO, 'target', 'test-classpath.txt');
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: run ./mvnw -B test-compile first`);
  }
  return [
    path.join(REPO, 'target', 'test-classes'),
    path.join(REPO, 'target', 'classes'),
    fs.readFileSync(file, 'utf8').trim(),
  ].join(path.delimiter);
}

/** The Java side: one InteropDriver JVM, requests answered in order. */
class Java {
  static async start() {
    const java = new Java();
    await java.ready;
    return java;
  }

  constructor() {
    this.nextId = 1;
    this.pending = new Map();
    this.stderr = [];
    this.proc = spawn('java', ['-cp', javaClasspath(), 'io.quckchat.camel.bullmq.interop.InteropDriver'], {
      env: { ...process.env, REDIS_HOST: connection.host, REDIS_PORT: String(connection.port) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.proc.stderr.on('data', chunk => {
      this.stderr.push(chunk.toString());
      if (this.stderr.length > 200) this.stderr.shift();
    });
    this.ready = new Promise((resolve, reject) => {
      this.proc.once('exit', code => {
        const error = new Error(`InteropDriver exited (${code}): ${this.stderr.join('').slice(-4000)}`);
        reject(error);
        for (const { reject: fail } of this.pending.values()) fail(error);
        this.pending.clear();
      });
      readline.createInterface({ input: this.proc.stdout }).on('line', line => {
        const answer = JSON.parse(line);
        if (answer.ready) {
          resolve();
          return;
        }
        const waiter = this.pending.get(answer.id);
        if (!waiter) return;
        this.pending.delete(answer.id);
        if (answer.ok) {
          waiter.resolve(answer.result);
        } else {
          const error = new Error(`${answer.error.type}: ${answer.error.message}`);
          error.type = answer.error.type;
          waiter.reject(error);
        }
      });
    });
  }

  request(op, args = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.proc.stdin.write(JSON.stringify({ id, op, ...args }) + '\n');
    });
  }

  async close() {
    if (this.proc.exitCode === null) {
      const exited = new Promise(resolve => this.proc.once('exit', resolve));
      this.proc.stdin.write(JSON.stringify({ id: 0, op: 'exit' }) + '\n');
      await exited;
    }
  }
}

function randomPrefix() {
  return `bmqi-${crypto.randomBytes(5).toString('hex')}:bull`;
}

/** Deletes every key under the prefix. */
async function deleteKeys(redis, prefix) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

const delay = ms => new Promise(resolve => setTimeout(resolve, ms));

/** Polls until fn() returns a truthy value (returned), or fails after timeoutMs. */
async function waitFor(fn, { timeoutMs = 15000, intervalMs = 25, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (last: ${last && last.stack ? last.stack : JSON.stringify(last)})`);
    }
    await delay(intervalMs);
  }
}

/** Resolves with the first event `name` of queueEvents for which match(args) holds. */
function nextEvent(queueEvents, name, match = () => true, timeoutMs = 15000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      queueEvents.off(name, listener);
      reject(new Error(`No '${name}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = args => {
      if (match(args)) {
        clearTimeout(timer);
        queueEvents.off(name, listener);
        resolve(args);
      }
    };
    queueEvents.on(name, listener);
  });
}

module.exports = {
  MAJOR,
  BULLMQ_VERSION,
  bullmq,
  connection,
  IORedis,
  Java,
  randomPrefix,
  deleteKeys,
  delay,
  waitFor,
  nextEvent,
};
