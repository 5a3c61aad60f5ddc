// Hot partition keys: counted by the partition key's part of a key identity, shown as text, merged
// across workers, and warned about once per window when one key dominates a throttled table.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HOT_KEY_WARNING_MIN_WRITES, HotKeyTracker, HotKeyWarnings, hotKeysStatus, mergeHotKeys, partitionIdentityOf, type HotKeysSnapshot,
} from '../../src/connectors/dynamodb/hot-keys.js';
import { identityOf, identityPart, joinIdentity, renderIdentityPart, type KeyAttributeType } from '../../src/connectors/dynamodb/key-identity.js';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** A key's identity from its attribute values, as the encoder builds it. */
const idOf = (...values: AttributeValue[]) => values.reduce((id, value, i) => joinIdentity(id, part(value), i === values.length - 1), '');
const typeOf = (value: AttributeValue): KeyAttributeType => (value.N !== undefined ? 'N' : value.B !== undefined ? 'B' : 'S');
const part = (value: AttributeValue): string => identityOf(value, typeOf(value));

describe('key identities', () => {
  test('the partition key is found in a composite identity, whichever index column it is', () => {
    const keyId = idOf({ S: 'user:7' }, { N: '1.50' });
    assert.equal(partitionIdentityOf([{ name: 'user' }, { name: 'ts' }], { user: 'HASH', ts: 'RANGE' })(keyId), part({ S: 'user:7' }));
    assert.equal(partitionIdentityOf([{ name: 'user' }, { name: 'ts' }], { user: 'RANGE', ts: 'HASH' })(keyId), part({ N: '1.5' }));
  });

  test('a single-attribute identity is its own partition key identity', () => {
    const keyId = idOf({ N: '42' });
    assert.equal(identityPart(keyId, 0, 1), keyId);
  });

  test('parts holding the separator characters are still cut at the right place', () => {
    const keyId = idOf({ S: 'N3:a:b' }, { S: 'x' });
    assert.equal(identityPart(keyId, 1, 2), part({ S: 'x' }));
    assert.equal(renderIdentityPart(identityPart(keyId, 0, 2), 'S', 64), 'N3:a:b');
    const three = idOf({ S: '12:ab' }, { N: '7' }, { S: 'z:9' });
    assert.deepEqual([0, 1, 2].map((i) => identityPart(three, i, 3)), ['12:ab', '7', 'z:9']);
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
    const tracker = new HotKeyTracker(partitionIdentityOf([{ name: 'p' }, { name: 's' }], { p: 'HASH', s: 'RANGE' }), 0, 1_000);
    for (let s = 0; s < 30; s += 1) tracker.wrote(idOf({ S: 'hot' }, { N: String(s) }));
    for (let p = 0; p < 10; p += 1) tracker.wrote(idOf({ S: `cold${p}` }, { N: '1' }));
    for (let s = 0; s < 4; s += 1) tracker.throttled(idOf({ S: 'hot' }, { N: String(s) }));
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
    const tracker = new HotKeyTracker((keyId) => keyId, 0);
    for (let i = 0; i < 10_000; i += 1) {
      tracker.wrote(idOf({ N: String(i) }));
      if (i % 20 === 0) tracker.wrote(idOf({ S: 'hot' }));
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
