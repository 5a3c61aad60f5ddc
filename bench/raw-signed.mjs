// The wire's floor for the benchmark: the least a Node program must do to write items to DynamoDB.
// Plain node:http with keep-alive sockets, one JSON.stringify per request, a minimal SigV4
// signature (node:crypto, the signing key derived once a day), and the resending DynamoDB asks for
// (UnprocessedItems, throttled transactions) after an exponential backoff with jitter. No
// credential chain, no clock-skew correction, no metrics, no size checks, no key ordering: what
// dynaview does beyond this is what its CPU per item is compared against.
// With `threads` > 1 it writes as dynaview's `threads` do: each worker thread gets the rows of its
// share of the partition keys, as arrays of column values, and keeps its own `maxInFlight` requests.
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const BATCH_ITEMS = 25;
const TRANSACTION_ITEMS = 100;
const RETRIABLE = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'TransactionConflictException', 'RequestLimitExceeded']);

const sha256Hex = (text) => createHash('sha256').update(text).digest('hex');
const hmac = (key, text) => createHmac('sha256', key).update(text).digest();

function backoffMs(attempt) {
  return Math.random() * Math.min(5_000, 50 * 2 ** attempt);
}

/** SigV4 for DynamoDB's JSON protocol: POST / with content-type, host, x-amz-date and x-amz-target signed. */
class Signer {
  #keys = new Map();

  constructor(region, { accessKeyId, secretAccessKey }) {
    this.region = region;
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
  }

  headers(host, target, body) {
    const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    const day = amzDate.slice(0, 8);
    const scope = `${day}/${this.region}/dynamodb/aws4_request`;
    const signed = 'content-type;host;x-amz-date;x-amz-target';
    const canonical = `POST\n/\n\ncontent-type:application/x-amz-json-1.0\nhost:${host}\nx-amz-date:${amzDate}\nx-amz-target:${target}\n\n${signed}\n${sha256Hex(body)}`;
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
    const signature = createHmac('sha256', this.#signingKey(day)).update(toSign).digest('hex');
    return {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': Buffer.byteLength(body),
      'x-amz-date': amzDate,
      'x-amz-target': target,
      authorization: `AWS4-HMAC-SHA256 Credential=${this.accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${signature}`,
    };
  }

  #signingKey(day) {
    let key = this.#keys.get(day);
    if (key === undefined) {
      key = hmac(hmac(hmac(hmac(`AWS4${this.secretAccessKey}`, day), this.region), 'dynamodb'), 'aws4_request');
      this.#keys.set(day, key);
    }
    return key;
  }
}

/** Rows `{id, sort, payload}` as DynamoDB items. */
function item(row) {
  return { id: { N: String(row.id) }, sort: { S: row.sort }, payload: { S: row.payload } };
}

/**
 * A writer with `writeStep(rows)` (at most `maxInFlight` requests at once per thread), `resent()`
 * and `close()`, like the other tools of bench/run.mjs.
 */
export function openRawSigned({ threads = 1, ...options }) {
  return threads === 1 ? openWriter(options) : openThreads(threads, options);
}

function openWriter({ endpoint, region, credentials, table, writeMode, maxInFlight }) {
  const url = new URL(endpoint);
  const host = url.host;
  const agent = new http.Agent({ keepAlive: true, maxSockets: maxInFlight });
  const signer = new Signer(region, credentials);
  let resent = 0;

  function post(target, body) {
    return new Promise((resolve, reject) => {
      const request = http.request({ agent, host: url.hostname, port: url.port, method: 'POST', path: '/', headers: signer.headers(host, target, body) }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  async function writeBatch(requests) {
    let pending = requests;
    for (let attempt = 0; ; attempt += 1) {
      const { status, body } = await post('DynamoDB_20120810.BatchWriteItem', JSON.stringify({ RequestItems: { [table]: pending } }));
      if (status === 200) {
        pending = body.UnprocessedItems?.[table] ?? [];
        if (pending.length === 0) return;
        resent += pending.length;
      } else if (!RETRIABLE.has(String(body.__type).split('#').pop())) {
        throw new Error(`BatchWriteItem: ${status} ${JSON.stringify(body)}`);
      }
      await sleep(backoffMs(attempt));
    }
  }

  async function writeTransaction(items) {
    const body = JSON.stringify({ TransactItems: items.map((Item) => ({ Put: { TableName: table, Item } })) });
    for (let attempt = 0; ; attempt += 1) {
      const response = await post('DynamoDB_20120810.TransactWriteItems', body);
      if (response.status === 200) return;
      const type = String(response.body.__type).split('#').pop();
      const throttled = type === 'TransactionCanceledException'
        && (response.body.CancellationReasons ?? []).every((r) => r.Code === 'None' || r.Code === 'ThrottlingError' || r.Code === 'TransactionConflict');
      if (!throttled && !RETRIABLE.has(type)) throw new Error(`TransactWriteItems: ${response.status} ${JSON.stringify(response.body)}`);
      resent += 1;
      await sleep(backoffMs(attempt));
    }
  }

  const size = writeMode === 'transactional' ? TRANSACTION_ITEMS : BATCH_ITEMS;
  const write = writeMode === 'transactional' ? writeTransaction : (items) => writeBatch(items.map((Item) => ({ PutRequest: { Item } })));
  return {
    stepsInFlight: 1,
    async writeStep(rows) {
      let next = 0;
      const worker = async () => {
        while (next < rows.length) {
          const start = next;
          next += size;
          await write(rows.slice(start, start + size).map(item));
        }
      };
      await Promise.all(Array.from({ length: maxInFlight }, worker));
    },
    resent: () => resent,
    close: async () => agent.destroy(),
  };
}

/** `threads` workers, each a writer of its own; a row goes to the worker its partition key picks. */
function openThreads(threads, options) {
  const workers = Array.from({ length: threads }, () => new Worker(new URL(import.meta.url), { workerData: { rawSignedThread: options } }));
  const resentBy = new Array(threads).fill(0);
  const ask = (worker, message) => new Promise((resolve, reject) => {
    const onError = (error) => reject(error);
    worker.once('error', onError);
    worker.once('message', (answer) => {
      worker.off('error', onError);
      resolve(answer);
    });
    worker.postMessage(message);
  });
  return {
    stepsInFlight: 1,
    async writeStep(rows) {
      const shares = workers.map(() => ({ ids: [], sorts: [], payloads: [] }));
      for (const row of rows) {
        const share = shares[row.id % threads];
        share.ids.push(row.id);
        share.sorts.push(row.sort);
        share.payloads.push(row.payload);
      }
      const answers = await Promise.all(workers.map((worker, t) => ask(worker, shares[t])));
      answers.forEach(({ resent }, t) => { resentBy[t] = resent; });
    },
    resent: () => resentBy.reduce((sum, n) => sum + n, 0),
    close: () => Promise.all(workers.map((worker) => worker.terminate())),
  };
}

if (!isMainThread && workerData?.rawSignedThread !== undefined) {
  const writer = openWriter(workerData.rawSignedThread);
  parentPort.on('message', async ({ ids, sorts, payloads }) => {
    const rows = new Array(ids.length);
    for (let i = 0; i < ids.length; i += 1) rows[i] = { id: ids[i], sort: sorts[i], payload: payloads[i] };
    await writer.writeStep(rows);
    parentPort.postMessage({ resent: writer.resent() });
  });
}
