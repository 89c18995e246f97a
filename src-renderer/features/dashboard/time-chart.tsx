/**
 * One series over time, drawn by uPlot (canvas, tens of thousands of points in a millisecond or
 * two: 48 of these on one page stay cheap). The chart is created once and fed new columns with
 * setData; its width follows its box (ResizeObserver); its colours are the theme's CSS
 * variables, read again when the system switches between light and dark.
 *
 * The canvas is decoration for sighted users: the figure's caption says the same in words (the
 * latest value and the highest of the range), for screen readers and for places without a
 * canvas (happy-dom in tests), where no chart is drawn at all.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { lastOf, maxOf } from './format.ts';

export interface TimeChartProps {
  title: string;
  /** Slot starts, seconds since the epoch. */
  at: number[];
  values: (number | null)[];
  /** The x range shown, seconds: the same for every chart of a page, so they line up. */
  from: number;
  to: number;
  format: (value: number) => string;
  /** The CSS variable the line is drawn in, e.g. `--chart-rate`. */
  colour: string;
  height?: number;
}

const canDraw = (() => {
  let known: boolean | undefined;
  return () => {
    if (known === undefined) {
      try {
        known = document.createElement('canvas').getContext('2d') !== null;
      } catch {
        known = false;
      }
    }
    return known;
  };
})();

/** Few enough values to show each as a dot. */
function sparse(values: ArrayLike<number | null | undefined>): boolean {
  let n = 0;
  for (let i = 0; i < values.length; i++)
    if (values[i] !== null && values[i] !== undefined && ++n > 30) return false;
  return true;
}

function themeOf(colour: string) {
  const css = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    line: read(colour, '#0b5cad'),
    text: read('--muted', '#5c6670'),
    grid: read('--grid', '#e3e8ee'),
  };
}

/** `now()` is read whenever uPlot asks, so a moving range and a new format need no new chart. */
function optionsFor(now: () => TimeChartProps, width: number): uPlot.Options {
  const props = now();
  const theme = themeOf(props.colour);
  const axis = {
    stroke: theme.text,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1, size: 4 },
    font: '11px system-ui, sans-serif',
  };
  return {
    width,
    height: props.height ?? 110,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: {
      x: { time: true, range: () => [now().from, now().to] },
      // From zero, with headroom: a flat line at the top would read as "at the limit".
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] },
    },
    axes: [
      { ...axis, space: 70, size: 24 },
      { ...axis, size: 48, space: 24, values: (_u, splits) => splits.map((v) => now().format(v)) },
    ],
    series: [
      {},
      {
        stroke: theme.line,
        width: 1.5,
        fill: `${theme.line}26`,
        // Dots while the line is short (a Console or an agent that just started): two slots of
        // a line across a day's width would not be seen.
        points: { show: (u, seriesIdx) => sparse(u.data[seriesIdx] ?? []), size: 4 },
        // A gap (agent offline, service not there yet) is a gap, not a line across it.
        spanGaps: false,
      },
    ],
  };
}

export function TimeChart(props: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const [theme, setTheme] = useState(0);

  // The system's light/dark switch, or the theme chosen in Settings (data-theme on the root):
  // draw again in the new colours.
  useEffect(() => {
    const onChange = () => setTheme((n) => n + 1);
    const media = window.matchMedia?.('(prefers-color-scheme: dark)');
    media?.addEventListener('change', onChange);
    const chosen = new MutationObserver(onChange);
    chosen.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => {
      media?.removeEventListener('change', onChange);
      chosen.disconnect();
    };
  }, []);

  useEffect(() => {
    const el = box.current;
    if (!el || !canDraw()) return;
    const made = new uPlot(
      optionsFor(() => latest.current, Math.max(120, el.clientWidth)),
      [latest.current.at, latest.current.values],
      el,
    );
    plot.current = made;
    const resize = new ResizeObserver(() => {
      const width = Math.max(120, el.clientWidth);
      if (width !== made.width) made.setSize({ width, height: made.height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      made.destroy();
      plot.current = null;
    };
    // The range and format are read through `latest` when uPlot asks; a new theme makes a new chart.
  }, [theme]);

  useEffect(() => {
    plot.current?.setData([props.at, props.values]);
  }, [props.at, props.values, props.from, props.to]);

  const last = lastOf(props.values);
  const max = maxOf(props.values);
  const caption =
    last === undefined
      ? 'no data in this range'
      : `${props.format(last)} now, highest ${props.format(max ?? last)}`;
  // How many slots have a value: says "drawn from history" to whoever inspects the page (the E2E test).
  const points = props.values.reduce<number>((n, v) => (v === null ? n : n + 1), 0);
  return (
    <figure className="chart" data-points={points}>
      <figcaption>
        <span className="chart-title">{props.title}</span> <span className="chart-now">{caption}</span>
      </figcaption>
      <div ref={box} className="chart-canvas" aria-hidden="true" />
    </figure>
  );
}
