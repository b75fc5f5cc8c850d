/**
 * V8's heap tuned for a thread that runs the rule engine over many parcels (the sweep's workers,
 * the check service's worker).
 *
 * Building the reference index allocates millions of objects that all live on (pieces, rings,
 * R-tree nodes), so V8's allocation-site pretenuring learns, for the allocation sites the index
 * shares with checking (arrays of positions, clipping's sweep events and segments), to allocate
 * their objects straight in the old generation. Checking then allocates the same kinds of objects
 * for microseconds: in old space they are garbage only a full collection finds, and what survives
 * a scavenge because an old object points at it is promoted as well. Whether V8 decides so depends
 * on when its collections happen to fall, so a run went one way or the other: on the bench county,
 * 20 000 parcels on two workers took 13.4–16.1 s and 0.80–0.99 GB in three runs, and 13.0–13.3 s
 * and 0.68–0.69 GB with pretenuring off; a single thread checking 10 000 parcels promoted 89–108
 * MB to the old generation in three runs out of four and 1.2 GB in the fourth (35 % slower).
 *
 * The old generation may also grow only by half of what lives after a full collection (V8 lets a
 * small heap grow up to fourfold first). A worker's index and chunk live at ≈ 85 MB, and its heap
 * filled to 230–255 MB with garbage before V8 looked: on the county (100 000 parcels, two
 * workers, `landgate check --all`) the sweep peaked at 708–726 MB in four runs (45–49 s, 80–86 s of
 * CPU), and at 514–535 MB in four with the smaller growth (45–47 s, 81 s of CPU).
 *
 * V8's flags belong to the process: this also applies to the thread that started the worker. The
 * import was measured with pretenuring both ways too (no difference in time or peak memory).
 */
import { setFlagsFromString } from 'node:v8';

/** How much the old generation may grow past what a full collection left (percent). */
const HEAP_GROWING_PERCENT = 50;

let tuned = false;

export function tuneHeapForChecking(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString('--no-allocation-site-pretenuring');
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
