/** Ordering helpers the reducers share: events and snapshots race, so data decides, not arrival. */

/** ISO times compared as instants; an unparsable time counts as the oldest. */
export function isoCompare(a: string | undefined, b: string | undefined): number {
  const x = a === undefined ? NaN : Date.parse(a);
  const y = b === undefined ? NaN : Date.parse(b);
  return (Number.isNaN(x) ? -Infinity : x) - (Number.isNaN(y) ? -Infinity : y) || 0;
}

export function bySiteThenName<T extends { site: string; name: string }>(a: T, b: T): number {
  return a.site.localeCompare(b.site) || a.name.localeCompare(b.name);
}
