/**
 * MapLibre 6 does not find its worker by itself once bundled: point it at the worker file Vite
 * emits next to the app (a relative URL, so it works from file:// and from the HTTP host).
 */
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

let configured = false;

export function ensureMapLibreWorker(): void {
  if (configured) return;
  maplibregl.setWorkerUrl(new URL(workerUrl, document.baseURI).href);
  configured = true;
}
