/** "3 min ago"-style times: the admin asks how long, not at which instant. */
const UNITS: [limitSeconds: number, divisor: number, unit: string][] = [
  [60, 1, 's'],
  [3600, 60, 'min'],
  [86_400, 3600, 'h'],
  [Infinity, 86_400, 'd'],
];

export function ago(iso: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (Number.isNaN(seconds)) return 'at an unknown time';
  const [, divisor, unit] = UNITS.find(([limit]) => seconds < limit) ?? UNITS[3]!;
  return `${Math.floor(seconds / divisor)} ${unit} ago`;
}
