// vt-pbf ships no types; this is the one function the tile service calls.
declare module 'vt-pbf' {
  import type { LegacyTile } from 'geojson-vt';
  const vtpbf: { fromGeojsonVt(layers: Record<string, LegacyTile>, options?: { version?: number; extent?: number }): Uint8Array };
  export default vtpbf;
}
