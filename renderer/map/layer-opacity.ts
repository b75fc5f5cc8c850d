/**
 * A layer's opacity (图层 context menu) applied over the shared style: each opacity paint value of
 * the style's layers is multiplied, so what a layer's style means (a listed parcel darker than a
 * delisted one) survives a half-transparent layer.
 */
import type { LayerSpecification } from 'maplibre-gl';

const OPACITY_PAINT: Partial<Record<LayerSpecification['type'], string[]>> = {
  fill: ['fill-opacity'],
  line: ['line-opacity'],
  circle: ['circle-opacity', 'circle-stroke-opacity'],
  symbol: ['icon-opacity', 'text-opacity'],
};

function mentionsZoom(value: unknown): boolean {
  return Array.isArray(value) && (value[0] === 'zoom' || value.some(mentionsZoom));
}

/** The style's layers with every opacity scaled by `opacity` (0..1); the same objects when it is 1. */
export function withOpacity(layers: LayerSpecification[], opacity: number): LayerSpecification[] {
  if (!(opacity >= 0 && opacity < 1)) return layers;
  return layers.map((layer) => {
    const keys = OPACITY_PAINT[layer.type];
    if (!keys) return layer;
    const paint: Record<string, unknown> = { ...((layer as { paint?: Record<string, unknown> }).paint ?? {}) };
    for (const key of keys) {
      const base = paint[key] ?? 1;
      if (typeof base === 'number') paint[key] = Math.round(base * opacity * 1000) / 1000;
      // a zoom curve must stay the top-level expression: left as it is rather than broken
      else if (!mentionsZoom(base)) paint[key] = ['*', base, opacity];
    }
    return { ...layer, paint } as LayerSpecification;
  });
}
