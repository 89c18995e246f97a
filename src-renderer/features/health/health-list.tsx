/**
 * The rows, virtualised: 50,000 servers render as the few dozen in view. Rows have a fixed
 * height, so nothing is measured while scrolling; dense rows (the app's option) are a smaller
 * fixed height.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { useDensity } from '../display/density.tsx';
import type { HealthRow as Row } from './health-rows.ts';
import { HealthHead } from './health-head.tsx';
import { HealthRow, type RowActions } from './health-row.tsx';

export const ROW_HEIGHT = 52;
/** Dense rows: the same two lines, closer together (display.css). */
export const COMPACT_ROW_HEIGHT = 38;

export function HealthList({ rows, actions }: { rows: Row[]; actions?: RowActions }) {
  const scroller = useRef<HTMLDivElement>(null);
  const { compact } = useDensity();
  const height = compact ? COMPACT_ROW_HEIGHT : ROW_HEIGHT;
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => height,
    getItemKey: (index) => rows[index]?.id ?? index,
    overscan: 8,
  });
  // Sizes are estimated once per row and kept: a new height has them estimated again.
  useEffect(() => virtualizer.measure(), [virtualizer, height]);
  // The header is row 1 (aria-rowcount counts it); it stays outside the scroller so that it
  // is always in view and the virtualiser measures only server rows. The scroller is the body's
  // rowgroup itself: a table may hold only rowgroups and rows, and it is focusable so that the
  // keyboard scrolls it.
  return (
    <div role="table" aria-label="Real servers" aria-rowcount={rows.length + 1} className="health-table">
      <HealthHead />
      <div ref={scroller} className="health-scroller" role="rowgroup" tabIndex={0}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <div
                key={item.key}
                className="health-slot"
                style={{ transform: `translateY(${item.start}px)`, height }}
              >
                <HealthRow
                  row={row}
                  rowIndex={item.index + 2}
                  selected={actions?.selected.has(row.id) ?? false}
                  onSelect={actions?.onSelect}
                  onEverywhere={actions?.onEverywhere}
                />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
