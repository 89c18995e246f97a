/**
 * The Health table's column headers (issue 16: tables have column headers). They sit outside
 * the virtualised scroller, so they stay in view, and they are a `.health-row` themselves: one
 * grid template (health.css) places headers and cells, so every row of every site lines up.
 */
export function HealthHead() {
  return (
    <div role="rowgroup" className="health-head-group">
      <div role="row" aria-rowindex={1} className="health-row health-head">
        <span role="columnheader" className="cell-select">
          <span className="visually-hidden">Selected</span>
        </span>
        <span role="columnheader">State</span>
        <span role="columnheader">Real server</span>
        <span role="columnheader">Agent and site</span>
        <span role="columnheader">Reason</span>
        <span role="columnheader">Last hour</span>
        <span role="columnheader">
          <span className="visually-hidden">Actions</span>
        </span>
      </div>
    </div>
  );
}
