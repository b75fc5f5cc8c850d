import { describe, expect, it } from 'vitest';
import { canRedo, canUndo, createHistory, record, redo, undo } from '../../renderer/map/edit/history';

describe('edit history', () => {
  it('undoes and redoes step by step', () => {
    let h = createHistory('a');
    h = record(h, 'b');
    h = record(h, 'c');
    expect(h.present).toBe('c');
    h = undo(h);
    expect(h.present).toBe('b');
    h = undo(h);
    expect(h.present).toBe('a');
    expect(canUndo(h)).toBe(false);
    expect(undo(h)).toBe(h);
    h = redo(h);
    expect(h.present).toBe('b');
    h = redo(h);
    expect(h.present).toBe('c');
    expect(canRedo(h)).toBe(false);
    expect(redo(h)).toBe(h);
  });

  it('drops the redo branch when something new is recorded after an undo', () => {
    let h = record(record(createHistory(1), 2), 3);
    h = undo(undo(h));
    expect(h.present).toBe(1);
    expect(h.future).toEqual([2, 3]);
    h = record(h, 9);
    expect(h.present).toBe(9);
    expect(canRedo(h)).toBe(false);
    expect(h.past).toEqual([1]);
    expect(undo(h).present).toBe(1);
  });

  it('ignores recording the same snapshot and caps its length', () => {
    const h = createHistory({ n: 0 });
    expect(record(h, h.present)).toBe(h);
    let long = createHistory(0);
    for (let i = 1; i <= 20; i++) long = record(long, i, 5);
    expect(long.past).toEqual([15, 16, 17, 18, 19]);
    expect(long.present).toBe(20);
  });
});
