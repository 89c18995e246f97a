/**
 * A ticked set with one key ticked or unticked: a new set (React state is never changed in
 * place), the one every checklist of the Console keeps its choice in.
 */
export function toggled<T>(set: ReadonlySet<T>, key: T, on: boolean): Set<T> {
  const next = new Set(set);
  if (on) next.add(key);
  else next.delete(key);
  return next;
}
