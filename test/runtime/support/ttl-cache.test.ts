import { TtlCache } from '../../../runtime/src/support/ttl-cache';

function setup(load: (key: string) => Promise<string | undefined>) {
  let now = 0;
  const clock = { now: () => now };
  const errors: unknown[] = [];
  const cache = new TtlCache<string>({ clock, ttlMs: 1000, missTtlMs: 100, maxEntries: 3, load, onStaleServed: (e) => errors.push(e) });
  return { cache, advance: (ms: number) => (now += ms), errors };
}

describe('TtlCache', () => {
  test('serves from memory within the TTL and reloads after it', async () => {
    let loads = 0;
    const { cache, advance } = setup(async (k) => `${k}:${++loads}`);
    expect(await cache.get('a')).toBe('a:1');
    advance(999);
    expect(await cache.get('a')).toBe('a:1');
    advance(2);
    expect(await cache.get('a')).toBe('a:2');
  });

  test('concurrent misses share one load', async () => {
    let loads = 0;
    const { cache } = setup(async (k) => `${k}:${++loads}`);
    expect(await Promise.all([cache.get('a'), cache.get('a'), cache.get('a')])).toEqual(['a:1', 'a:1', 'a:1']);
    expect(loads).toBe(1);
  });

  test('remembers misses only briefly', async () => {
    let value: string | undefined;
    const { cache, advance } = setup(async () => value);
    expect(await cache.get('a')).toBeUndefined();
    value = 'now';
    expect(await cache.get('a')).toBeUndefined();
    advance(101);
    expect(await cache.get('a')).toBe('now');
  });

  test('keeps serving the last value when a reload fails, and fails when there is none', async () => {
    let fail = false;
    const { cache, advance, errors } = setup(async (k) => {
      if (fail) throw new Error('down');
      return k;
    });
    expect(await cache.get('a')).toBe('a');
    fail = true;
    advance(1001);
    expect(await cache.get('a')).toBe('a');
    expect(errors).toHaveLength(1);
    await expect(cache.get('b')).rejects.toThrow('down');
  });

  test('a delete during a load is not undone by the late result', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let loads = 0;
    const { cache } = setup(async (k) => {
      loads++;
      if (loads === 1) await gate;
      return `${k}:${loads}`;
    });
    const first = cache.get('a');
    cache.delete('a');
    release();
    expect(await first).toBe('a:1');
    expect(await cache.get('a')).toBe('a:2');
  });

  test('holds at most maxEntries', async () => {
    let loads = 0;
    const { cache } = setup(async (k) => `${k}:${++loads}`);
    for (const k of ['a', 'b', 'c', 'd']) await cache.get(k);
    expect(cache.keys()).toEqual(['b', 'c', 'd']);
  });
});
