/**
 * Cut tiles kept in memory, least recently used out first, bounded in bytes rather than entries: a
 * z10 parcel tile can weigh a thousand z16 ones. Keys carry the layer's revision, so a tile of an
 * older revision is never answered; `dropLayer` frees a layer's tiles as soon as it changes.
 */
export class TileCache {
  private readonly entries = new Map<string, Uint8Array>();
  private bytes = 0;

  constructor(readonly maxBytes: number) {}

  static key(table: string, revision: string, z: number, x: number, y: number): string {
    return `${table}\u0000${revision}\u0000${z}/${x}/${y}`;
  }

  get(key: string): Uint8Array | undefined {
    const body = this.entries.get(key);
    if (body) {
      this.entries.delete(key);
      this.entries.set(key, body);
    }
    return body;
  }

  set(key: string, body: Uint8Array): void {
    if (body.byteLength > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.byteLength;
      this.entries.delete(key);
    }
    this.entries.set(key, body);
    this.bytes += body.byteLength;
    for (const [oldest, value] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= value.byteLength;
    }
  }

  /** Forgets every tile of a layer (all revisions). */
  dropLayer(table: string): void {
    const prefix = `${table}\u0000`;
    for (const [key, value] of this.entries) {
      if (!key.startsWith(prefix)) continue;
      this.entries.delete(key);
      this.bytes -= value.byteLength;
    }
  }

  get size(): { tiles: number; bytes: number } {
    return { tiles: this.entries.size, bytes: this.bytes };
  }
}
