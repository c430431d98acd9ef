import { useEffect, useRef } from 'preact/hooks';

// DriftHistogram draws reference vs current distributions of one feature with uPlot (canvas).
// uPlot is loaded on first use, so pages without charts do not download it.
export function DriftHistogram(props: { title: string; edges: number[]; reference: number[]; current: number[] }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let plot: { destroy(): void } | null = null;
    let cancelled = false;
    Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: uPlot }]) => {
      if (cancelled || !host.current) return;
      const n = Math.min(props.reference.length, props.current.length);
      const x = Array.from({ length: n }, (_, i) => props.edges[i] ?? i);
      const width = Math.max(260, Math.min(560, host.current.clientWidth || 400));
      const bars = uPlot.paths.bars!({ size: [0.45, 40], align: 0 });
      plot = new uPlot(
        {
          width,
          height: 200,
          title: props.title,
          scales: { x: { time: false } },
          axes: [{ stroke: '#8a94a6' }, { stroke: '#8a94a6' }],
          series: [
            { label: 'bin' },
            { label: 'reference', stroke: '#3b82f6', fill: 'rgba(59,130,246,0.35)', paths: bars },
            { label: 'current', stroke: '#f97316', fill: 'rgba(249,115,22,0.35)', paths: bars },
          ],
        },
        [x, props.reference.slice(0, n), props.current.slice(0, n)],
        host.current,
      );
    });
    return () => {
      cancelled = true;
      plot?.destroy();
    };
  }, [props.title, props.edges, props.reference, props.current]);
  return (
    <figure class="chart">
      <div ref={host} role="img" aria-label={`${props.title}: reference versus current distribution`} />
    </figure>
  );
}
