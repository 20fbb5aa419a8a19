// The hand-written ingress that bench/ingress.sh measures the router's against: node:http and
// kafkajs with the router's producer guarantees (idempotent, acks=all), and the same checks in
// the same order for the benchmark's requests: bearer token (401), Content-Type (415), body size
// (413), known topic (404), token's topics (403), JSON (400), the topic schema's required fields
// (400), the record key from the event (400). 202 after Kafka's acknowledgement, with the
// record's partition and offset, as the router answers.
//
//   KAFKA_BROKERS=127.0.0.1:9092 PORT=18081 INGRESS_TOKEN=... node server.js
//
// Not a product: it checks only what a schema's top-level "required" list says, keeps no
// Idempotency-Key, and has no metrics. A fair baseline must not do less for the requests measured.
'use strict';

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { Kafka, logLevel } = require('kafkajs');

const port = Number(process.env.PORT || 18081);
const token = process.env.INGRESS_TOKEN;
const topics = (process.env.INGRESS_TOPICS || 'message.sent,user.online').split(',');
const maxBody = 512 * 1024;
const schemasDir = process.env.SCHEMAS_DIR || path.join(__dirname, '..', '..', 'config', 'schemas');

const required = new Map();
for (const file of fs.readdirSync(schemasDir)) {
  if (file.endsWith('.schema.json')) {
    const schema = JSON.parse(fs.readFileSync(path.join(schemasDir, file), 'utf8'));
    required.set(file.replace('.schema.json', ''), schema.required || []);
  }
}
const keyField = (topic) => {
  const family = topic.substring(0, topic.indexOf('.'));
  return ['message', 'conversation', 'call'].includes(family) ? 'conversationId' : 'userId';
};

const kafka = new Kafka({
  clientId: 'ingress-baseline',
  brokers: (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(','),
  logLevel: logLevel.WARN,
});
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });

function answer(res, status, body, type = 'application/json') {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
const problem = (res, status, detail) =>
  answer(res, status, { type: 'about:blank', title: http.STATUS_CODES[status], status, detail }, 'application/problem+json');

// The checks of one event: a problem [status, detail], or the record to send.
function check(topic, event) {
  if (!required.has(topic)) return [404, `unknown topic ${topic}`];
  if (!topics.includes(topic)) return [403, `this token may not post to ${topic}`];
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return [400, 'the event is not a JSON object'];
  for (const field of required.get(topic)) {
    if (event[field] === undefined) return [400, `required field ${field} is missing`];
  }
  const key = event[keyField(topic)];
  if (typeof key !== 'string' || key === '') return [400, `no record key in ${keyField(topic)}`];
  return { key, id: crypto.randomUUID() };
}

function record(topic, checked, value) {
  return {
    key: checked.key,
    value,
    headers: {
      ce_specversion: '1.0', ce_id: checked.id, ce_type: topic, ce_source: 'bench',
      ce_time: new Date().toISOString(), 'content-type': 'application/json',
    },
  };
}

async function handle(req, res, body) {
  const url = req.url;
  if (url === '/api/v1/events') {
    let items;
    try { items = JSON.parse(body); } catch (e) { return problem(res, 400, `malformed JSON: ${e.message}`); }
    if (!Array.isArray(items) || items.length === 0 || items.length > 500) return problem(res, 400, 'not an array of 1 to 500 items');
    const results = items.map((item) => (item && typeof item === 'object' ? check(item.topic, item.payload) : [400, 'not an object']));
    const byTopic = new Map();
    results.forEach((r, i) => {
      if (!Array.isArray(r)) {
        const topic = items[i].topic;
        if (!byTopic.has(topic)) byTopic.set(topic, []);
        byTopic.get(topic).push(record(topic, r, JSON.stringify(items[i].payload)));
      }
    });
    const sent = await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    const offsets = new Map(sent.map((m) => [`${m.topicName}/${m.partition}`, m]));
    return answer(res, 202, {
      items: results.map((r, i) => (Array.isArray(r)
        ? { status: r[0], error: { detail: r[1] } }
        : { status: 202, eventId: r.id, topic: items[i].topic, key: r.key })),
      sent: offsets.size,
    });
  }
  const topic = url.startsWith('/api/v1/events/') ? url.substring('/api/v1/events/'.length) : null;
  if (topic === null) return problem(res, 404, 'no such resource');
  let event;
  try { event = JSON.parse(body); } catch (e) { return problem(res, 400, `malformed JSON: ${e.message}`); }
  const checked = check(topic, event);
  if (Array.isArray(checked)) return problem(res, checked[0], checked[1]);
  const [meta] = await producer.send({ topic, acks: -1, messages: [record(topic, checked, body)] });
  return answer(res, 202, { eventId: checked.id, topic, key: checked.key, partition: meta.partition, offset: Number(meta.baseOffset) });
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST') return problem(res, 405, 'POST only');
  if (req.headers.authorization !== `Bearer ${token}`) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="quckchat-ingress"');
    return problem(res, 401, 'no known bearer token');
  }
  if (!/^application\/json\s*(;\s*charset=utf-8)?$/i.test(req.headers['content-type'] || '')) return problem(res, 415, 'not application/json');
  if (Number(req.headers['content-length'] || 0) > maxBody) return problem(res, 413, 'body too large');
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= maxBody) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > maxBody) return problem(res, 413, 'body too large');
    handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((e) => problem(res, 503, `Kafka: ${e.message}`));
  });
});

producer.connect().then(() => {
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1', () => console.log(`ingress baseline listening on ${port}`));
});
process.on('SIGTERM', () => server.close(() => producer.disconnect().then(() => process.exit(0))));
