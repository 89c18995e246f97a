/**
 * The rows, virtualised: 50,000 servers render as the few dozen in view. Rows have a fixed
 * height, so nothing is measured while scrolling.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { HealthRow as Row } from './health-rows.ts';
import { HealthRow, type RowActions } from './health-row.tsx';

export const ROW_HEIGHT = 52;

export function HealthList({ rows, actions }: { rows: Row[]; actions?: RowActions }) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => rows[index]?.id ?? index,
    overscan: 8,
  });
  return (
    <div ref={scroller} className="health-scroller" role="table" aria-rowcount={rows.length} tabIndex={0}>
      <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          return (
            <div
              key={item.key}
              className="health-slot"
              style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
            >
              <HealthRow
                row={row}
                rowIndex={item.index + 1}
                selected={actions?.selected.has(row.id) ?? false}
                onSelect={actions?.onSelect}
                onEverywhere={actions?.onEverywhere}
              />
            </div>
          );
        })}
      </div>
    </div>
  );
}
