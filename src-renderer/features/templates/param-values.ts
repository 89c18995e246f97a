/**
 * The parameter form's values (what the inputs hold: text, a checkbox, real-server rows) →
 * the `params` sent to the agents, with every problem named by parameter and field.
 *
 * The rules are the agent's (shared/templates/params.ts resolveParameters): each value checked
 * with shared/templates/parameters.ts's parameterValueSchema, an empty field means "not given" (the
 * template's default applies, or "required"), and a parameter with `when` counts only while
 * its condition holds. So the form names a problem before anything is sent, in the words the
 * agent would use. The agent checks again (it also checks what the template renders).
 */
import { parameterValueSchema, resolveParameterValues } from '../../../shared/templates/parameters.ts';
import type { FormParameter } from './template-source.ts';

export interface RealServerRow {
  name: string;
  address: string;
  port: string;
  weight: string;
}

/** Text for text and number inputs and selects; boolean for a checkbox; rows for a list. */
export type FieldValue = string | boolean | RealServerRow[];
export type FormValues = Readonly<Record<string, FieldValue>>;

export interface ParamProblem {
  param: string;
  /** Inside the value: `[1, 'address']` for the second row's address; empty for the whole value. */
  path: (string | number)[];
  message: string;
}

export type ResolvedForm =
  | { ok: true; params: Record<string, unknown>; active: ReadonlySet<string> }
  | { ok: false; problems: ParamProblem[]; active: ReadonlySet<string> };

export const emptyRow = (): RealServerRow => ({ name: '', address: '', port: '', weight: '' });

/**
 * A boolean without a default is a choice of yes / no / "not set": a plain checkbox would
 * always send false, which is not the same as leaving the config's own default in place.
 */
export function isCheckbox(p: FormParameter): boolean {
  return p.type === 'boolean' && (p.default !== undefined || p.required);
}

/** The form as first shown: defaults prefilled, one empty row for a list without one. */
export function initialValues(params: readonly FormParameter[]): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  for (const p of params) values[p.name] = initialValue(p);
  return values;
}

function initialValue(p: FormParameter): FieldValue {
  switch (p.type) {
    case 'boolean':
      return isCheckbox(p) ? (p.default ?? false) : '';
    case 'enum':
      return p.default === undefined ? '' : String(p.values.indexOf(p.default));
    case 'realServers':
      return p.default?.length
        ? p.default.map((rs) => ({
            name: rs.name,
            address: rs.address,
            port: rs.port === undefined ? '' : String(rs.port),
            weight: rs.weight === undefined ? '' : String(rs.weight),
          }))
        : [emptyRow()];
    default:
      return p.default === undefined || p.default === null ? '' : String(p.default);
  }
}

/** The value the agent would get, or undefined for "not given". Unconvertible text is kept as text so the schema names it. */
function given(p: FormParameter, raw: FieldValue | undefined): { value: unknown; rows?: number[] } {
  if (raw === undefined) return { value: undefined };
  switch (p.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return { value: raw };
      return { value: raw === 'true' ? true : raw === 'false' ? false : undefined };
    case 'enum': {
      if (raw === '' || typeof raw !== 'string') return { value: undefined };
      return { value: p.values[Number(raw)] };
    }
    case 'port':
    case 'integer':
      return { value: typeof raw === 'string' ? number(raw) : undefined };
    case 'realServers': {
      if (!Array.isArray(raw)) return { value: undefined };
      // A row left entirely blank is not a server; remember where the others sit in the form.
      const rows: number[] = [];
      const list = raw.flatMap((row, i) => {
        if (!row.name.trim() && !row.address.trim() && !row.port.trim() && !row.weight.trim()) return [];
        rows.push(i);
        const port = p.portPerServer ? number(row.port) : undefined;
        const weight = number(row.weight);
        return [
          {
            name: row.name.trim(),
            address: row.address.trim(),
            ...(port === undefined ? {} : { port }),
            ...(weight === undefined ? {} : { weight }),
          },
        ];
      });
      return list.length ? { value: list, rows } : { value: undefined };
    }
    default: {
      if (typeof raw !== 'string') return { value: undefined };
      const text = raw.trim();
      return { value: text === '' ? undefined : text };
    }
  }
}

function number(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isNaN(n) ? t : n;
}

export function resolveForm(params: readonly FormParameter[], values: FormValues): ResolvedForm {
  // Issues count the sent list; the form's rows include blank ones: row index per sent entry.
  const rowsOf = new Map<string, number[]>();
  const resolved = resolveParameterValues(
    params,
    (p) => {
      const { value, rows } = given(p, values[p.name]);
      if (rows) rowsOf.set(p.name, rows);
      return value;
    },
    // A kind this Console does not know goes as typed; the agent checks it.
    (p, value) =>
      p.type === 'other' ? { success: true, data: value } : parameterValueSchema(p).safeParse(value),
  );
  const problems: ParamProblem[] = resolved.problems.map(({ param, path, message }) => {
    const at = path.map((k) => (typeof k === 'number' ? k : String(k)));
    const rows = rowsOf.get(param);
    if (rows && typeof at[0] === 'number') at[0] = rows[at[0]] ?? at[0];
    return { param, path: at, message };
  });
  const active = resolved.active;
  return problems.length
    ? { ok: false, problems, active }
    : { ok: true, params: Object.fromEntries(resolved.given), active };
}

/** Problems of one parameter at one place in its value (`[]`: the value as a whole). */
export function problemsAt(
  problems: readonly ParamProblem[],
  param: string,
  path: readonly (string | number)[] = [],
): string[] {
  return problems
    .filter(
      (p) => p.param === param && p.path.length === path.length && p.path.every((k, i) => k === path[i]),
    )
    .map((p) => p.message);
}
