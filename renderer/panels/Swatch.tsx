/** A legend swatch drawn with CSS only (no images, works under the CSP). */
import type { CSSProperties } from 'react';
import type { Swatch as SwatchStyle } from '../map/layer-styles';

function withAlpha(color: string | undefined, alpha: number): string {
  if (!color || color === 'transparent') return 'transparent';
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (!hex) return color;
  const value = parseInt(hex[1], 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}

export function Swatch({ swatch }: { swatch: SwatchStyle }) {
  if (swatch.shape === 'line') {
    const style: CSSProperties = {
      borderTopColor: swatch.stroke,
      borderTopWidth: Math.max(1, swatch.strokeWidth ?? 2),
      borderTopStyle: swatch.dashed ? 'dashed' : 'solid',
    };
    return <span className="swatch swatch-line" style={style} aria-hidden="true" />;
  }
  if (swatch.shape === 'point') {
    if (swatch.ring) return <span className="swatch swatch-ring" style={{ borderColor: swatch.stroke }} aria-hidden="true" />;
    return <span className="swatch swatch-point" style={{ background: swatch.fill, borderColor: swatch.stroke }} aria-hidden="true" />;
  }
  const style: CSSProperties = {
    backgroundColor: withAlpha(swatch.fill, swatch.fillOpacity ?? 0.5),
    borderColor: swatch.stroke ?? 'transparent',
    borderWidth: swatch.strokeWidth ?? 1,
    borderStyle: swatch.dashed ? 'dashed' : 'solid',
  };
  return <span className={swatch.hatched ? 'swatch swatch-area swatch-hatched' : 'swatch swatch-area'} style={style} aria-hidden="true" />;
}

/** The classes of one layer's legend, as the layer panel and the 汇报模式 frame list them. */
export function LegendClasses({ entries }: { entries: readonly { label: string; swatch: SwatchStyle }[] }) {
  return (
    <>
      {entries.map((entry) => (
        <li key={entry.label} className="legend-class">
          <Swatch swatch={entry.swatch} />
          <span>{entry.label}</span>
        </li>
      ))}
    </>
  );
}
