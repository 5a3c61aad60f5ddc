// Hot partition keys: counted by the identity of the partition key attribute, shown as text, merged
// across workers, and warned about once per window when one key dominates a throttled table.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRowEncoder, parseEncoderTypes } from '../../src/connectors/dynamodb/encode.js';
import {
  HOT_KEY_WARNING_MIN_WRITES, HotKeyTracker, HotKeyWarnings, hotKeysStatus, mergeHotKeys, type HotKeysSnapshot,
} from '../../src/connectors/dynamodb/hot-keys.js';
import { identityOf, renderIdentityPart, type KeyAttributeType } from '../../src/connectors/dynamodb/key-identity.js';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

const typeOf = (value: AttributeValue): KeyAttributeType => (value.N !== undefined ? 'N' : value.B !== undefined ? 'B' : 'S');
const part = (value: AttributeValue): string => identityOf(value, typeOf(value));

function encoderOf(columns: Record<string, string>, keyRoles: Record<string, 'HASH' | 'RANGE'>) {
  const view = { name: 'v', columns: Object.entries(columns).map(([name, type]) => ({ name, type, nullable: false })) };
  const index = { name: 'v_idx', columns: Object.keys(keyRoles) };
  return compileRowEncoder({ connector: 'c', index, keyRoles, ...parseEncoderTypes({ connector: 'c', view, index, types: {} }) });
}

describe('partition key identities', () => {
  test('the partition key is the index column whose role is HASH, whichever it is', () => {
    const columns = { user: 'VARCHAR', ts: 'DECIMAL(10, 2)', payload: 'VARCHAR' };
    const row = { user: 'user:7', ts: '001.50', payload: 'x' };
    const byUser = encoderOf(columns, { user: 'HASH', ts: 'RANGE' });
    assert.equal(byUser.partitionIdentity(byUser.encodeItem(row)), 'user:7');
    const byTime = encoderOf(columns, { user: 'RANGE', ts: 'HASH' });
    assert.equal(byTime.partitionIdentity(byTime.encodeItem(row)), '1.5', 'numbers in their canonical form');
    assert.equal(byTime.partitionIdentity(byTime.encodeKey(row)), '1.5', 'from a key as from an item');
  });

  test('a single-attribute key is its own partition key identity', () => {
    for (const [type, value] of [['BIGINT', 2n ** 60n], ['BIGINT', -42], ['VARCHAR', 'é:1'], ['VARBINARY', Buffer.from([0, 255])], ['DOUBLE', 1e21]] as const) {
      const encoder = encoderOf({ k: type }, { k: 'HASH' });
      assert.equal(encoder.partitionIdentity(encoder.encodeKey({ k: value })), encoder.keyIdOf({ k: value }), type);
    }
  });

  test('values are shown as text: strings as they are, numbers canonical, binary in base64, long ones cut', () => {
    assert.equal(renderIdentityPart(part({ S: 'héllo' }), 'S', 64), 'héllo');
    assert.equal(renderIdentityPart(part({ N: '007.50' }), 'N', 64), '7.5');
    assert.equal(renderIdentityPart(part({ B: new Uint8Array([0, 255, 16]) }), 'B', 64), 'AP8Q');
    assert.equal(renderIdentityPart(part({ S: 'x'.repeat(100) }), 'S', 10), `${'x'.repeat(9)}…`);
  });
});

describe('HotKeyTracker', () => {
  test('counts writes and throttled items by partition key, and lists the heaviest first', () => {
    const tracker = new HotKeyTracker(0, 1_000);
    for (let s = 0; s < 30; s += 1) tracker.wrote('hot');
    for (let p = 0; p < 10; p += 1) tracker.wrote(`cold${p}`);
    for (let s = 0; s < 4; s += 1) tracker.throttled('hot');
    const snapshot = tracker.snapshot(500);
    assert.deepEqual([snapshot.writesTotal, snapshot.throttledTotal, snapshot.windowSeconds], [40, 4, 0.5]);
    const status = hotKeysStatus(snapshot, 'S');
    assert.deepEqual(status.writes[0], { key: 'hot', count: 30 });
    assert.equal(status.writes.length, 10);
    assert.deepEqual(status.throttled, [{ key: 'hot', count: 4 }]);
  });
});

describe('HotKeyTracker with more keys than counters', () => {
  test('lists what each key certainly received: keys written once are not shown as hot, the hot one is', () => {
    const tracker = new HotKeyTracker(0);
    for (let i = 0; i < 10_000; i += 1) {
      tracker.wrote(String(i));
      if (i % 20 === 0) tracker.wrote('hot');
    }
    const { writes } = hotKeysStatus(tracker.snapshot(1_000), 'S');
    assert.deepEqual(writes[0], { key: 'hot', count: 500 });
    for (const { count } of writes.slice(1)) assert.ok(count <= 1, JSON.stringify(writes));
  });
});

function snapshot(writes: Array<[string, number]>, writesTotal: number, throttledTotal: number, throttled: Array<[string, number]> = []): HotKeysSnapshot {
  const counts = (list: Array<[string, number]>) => list.map(([key, count]) => ({ identity: part({ S: key }), count, guaranteed: count }));
  return { windowSeconds: 30, writesTotal, throttledTotal, writes: counts(writes), throttled: counts(throttled) };
}

describe('mergeHotKeys', () => {
  test('sums the workers\' counts of a key and their totals', () => {
    const merged = mergeHotKeys([snapshot([['a', 5], ['b', 3]], 10, 1, [['a', 1]]), snapshot([['b', 4], ['c', 1]], 6, 2, [['c', 2]])]);
    assert.deepEqual(hotKeysStatus(merged, 'S'), {
      window_seconds: 30,
      writes: [{ key: 'b', count: 7 }, { key: 'a', count: 5 }, { key: 'c', count: 1 }],
      throttled: [{ key: 'c', count: 2 }, { key: 'a', count: 1 }],
    });
    assert.deepEqual([merged.writesTotal, merged.throttledTotal], [16, 3]);
  });
});

describe('HotKeyWarnings', () => {
  const many = HOT_KEY_WARNING_MIN_WRITES * 10;

  test('warns of a key with at least 20% of a throttled table\'s writes, once per window', () => {
    const warnings = new HotKeyWarnings(30_000);
    const hot = snapshot([['hot', many * 0.25], ['warm', many * 0.19]], many, 5);
    assert.deepEqual(warnings.check(hot, 0).map((w) => [w.share, w.writesTotal, w.throttledTotal]), [[0.25, many, 5]]);
    assert.deepEqual(warnings.check(hot, 29_999), []);
    assert.equal(warnings.check(hot, 30_000).length, 1);
  });

  test('says nothing while the table is not throttled, or has written too little to judge', () => {
    const warnings = new HotKeyWarnings(30_000);
    assert.deepEqual(warnings.check(snapshot([['hot', many]], many, 0), 0), []);
    assert.deepEqual(warnings.check(snapshot([['hot', 50]], HOT_KEY_WARNING_MIN_WRITES - 1, 9), 0), []);
  });

  test('judges by the count the sketch guarantees, not its overestimate', () => {
    const warnings = new HotKeyWarnings(30_000);
    const overestimated: HotKeysSnapshot = {
      windowSeconds: 30, writesTotal: many, throttledTotal: 3, throttled: [],
      writes: [{ identity: part({ S: 'maybe' }), count: many * 0.3, guaranteed: many * 0.1 }],
    };
    assert.deepEqual(warnings.check(overestimated, 0), []);
  });
});
