import { describe, expect, it } from 'vitest';
import { TileCache } from '../../electron/services/map/tile-cache';

const bytes = (n: number) => new Uint8Array(n);

describe('tile cache', () => {
  it('keeps at most maxBytes, dropping the least recently used tiles first', () => {
    const cache = new TileCache(100);
    cache.set('a', bytes(40));
    cache.set('b', bytes(40));
    expect(cache.get('a')).toBeDefined(); // a is now the most recent
    cache.set('c', bytes(40));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.size).toEqual({ tiles: 2, bytes: 80 });
  });

  it('never keeps a tile larger than the whole budget, and replaces a key in place', () => {
    const cache = new TileCache(10);
    cache.set('big', bytes(11));
    expect(cache.size.tiles).toBe(0);
    cache.set('k', bytes(4));
    cache.set('k', bytes(6));
    expect(cache.size).toEqual({ tiles: 1, bytes: 6 });
  });

  it('drops every tile of one layer, whatever its revision', () => {
    const cache = new TileCache(1000);
    cache.set(TileCache.key('parcels', 'r1', 14, 1, 2), bytes(10));
    cache.set(TileCache.key('parcels', 'r2', 14, 1, 2), bytes(10));
    cache.set(TileCache.key('parcels_2', 'r1', 14, 1, 2), bytes(10));
    cache.dropLayer('parcels');
    expect(cache.size).toEqual({ tiles: 1, bytes: 10 });
    expect(cache.get(TileCache.key('parcels_2', 'r1', 14, 1, 2))).toBeDefined();
  });
});
