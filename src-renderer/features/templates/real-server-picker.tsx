/**
 * A real-server list parameter as editable rows: name, address, and the port and weight where
 * the template lets a server set them (`portPerServer: false` means the template sets every
 * port, so the column is not offered). Rows are added and removed with buttons; a new row gets
 * the focus, so the list is built from the keyboard. A row left blank is not a server.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { TemplateParameter } from '../../../shared/templates/parameters.ts';
import { useApi } from '../../api/api-context.tsx';
import { healthQueries } from '../../api/queries.ts';
import { knownServers } from './known-servers.ts';
import { emptyRow, type ParamProblem, problemsAt, type RealServerRow } from './param-values.ts';

type Param = Extract<TemplateParameter, { type: 'realServers' }>;
type Column = keyof RealServerRow;

export function RealServerPicker({
  param,
  rows,
  onChange,
  problems,
  idPrefix,
  portHint,
}: {
  param: Param;
  rows: readonly RealServerRow[];
  onChange: (rows: RealServerRow[]) => void;
  problems: readonly ParamProblem[];
  idPrefix: string;
  portHint?: string;
}) {
  const columns: { key: Column; label: string; placeholder?: string; numeric?: boolean }[] = [
    { key: 'name', label: 'Name', placeholder: 'fe01' },
    { key: 'address', label: 'Address', placeholder: '10.0.0.11' },
    ...(param.portPerServer
      ? [{ key: 'port' as const, label: 'Port', placeholder: portHint ?? '', numeric: true }]
      : []),
    { key: 'weight', label: 'Weight', placeholder: '1', numeric: true },
  ];
  const own = problemsAt(problems, param.name);
  const helpId = `${idPrefix}-help`;
  const problemId = `${idPrefix}-problem`;
  const [focusRow, setFocusRow] = useState<number>();
  const firstInputs = useRef(new Map<number, HTMLInputElement>());

  useEffect(() => {
    if (focusRow === undefined) return;
    firstInputs.current.get(focusRow)?.focus();
    setFocusRow(undefined);
  }, [focusRow]);

  const set = (i: number, key: Column, value: string) =>
    onChange(rows.map((row, j) => (j === i ? { ...row, [key]: value } : row)));

  const api = useApi();
  const health = useQuery(healthQueries.snapshot(api));
  const known = knownServers(health.data);
  /** A known server fills the first blank row, or a new one. */
  const pick = (index: number) => {
    const server = known[index];
    if (!server) return;
    const filled = { ...emptyRow(), name: server.name, address: server.address };
    const blank = rows.findIndex((r) => !r.name && !r.address && !r.port && !r.weight);
    onChange(blank === -1 ? [...rows, filled] : rows.map((r, j) => (j === blank ? filled : r)));
  };

  return (
    <fieldset
      className="tpl-servers"
      aria-describedby={
        [param.description ? helpId : '', own.length ? problemId : ''].filter(Boolean).join(' ') || undefined
      }
    >
      <legend>
        {param.label}
        {param.required && (
          <span className="tpl-required" aria-hidden="true" title="required">
            {' '}
            *
          </span>
        )}
      </legend>
      {param.description && (
        <p id={helpId} className="tpl-help muted">
          {param.description}
        </p>
      )}
      {!param.portPerServer && (
        <p className="tpl-help muted">
          The template sets each server's port{portHint ? `: ${portHint}` : ''}.
        </p>
      )}
      <table className="tpl-server-rows">
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col">
                {c.label}
              </th>
            ))}
            <th scope="col">
              <span className="tpl-sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => {
            const rowProblems = problemsAt(problems, param.name, [i]);
            return (
              <tr key={i} aria-label={`Server ${i + 1}`}>
                {columns.map((c, ci) => {
                  const cellProblems = problemsAt(problems, param.name, [i, c.key]);
                  const cellProblemId = `${idPrefix}-${i}-${c.key}-problem`;
                  return (
                    <td key={c.key}>
                      <input
                        ref={(el) => {
                          if (ci !== 0) return;
                          if (el) firstInputs.current.set(i, el);
                          else firstInputs.current.delete(i);
                        }}
                        type={c.numeric ? 'number' : 'text'}
                        aria-label={`${c.label} of server ${i + 1}`}
                        placeholder={c.placeholder}
                        autoComplete="off"
                        value={row[c.key]}
                        aria-invalid={cellProblems.length ? true : undefined}
                        aria-describedby={cellProblems.length ? cellProblemId : undefined}
                        onChange={(e) => set(i, c.key, e.target.value)}
                      />
                      {cellProblems.length > 0 && (
                        <span id={cellProblemId} className="field-problem">
                          {cellProblems.join('; ')}
                        </span>
                      )}
                    </td>
                  );
                })}
                <td>
                  <button
                    type="button"
                    aria-label={`Remove server ${i + 1}`}
                    onClick={() => onChange(rows.filter((_, j) => j !== i))}
                  >
                    Remove
                  </button>
                  {rowProblems.length > 0 && <span className="field-problem">{rowProblems.join('; ')}</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button
        type="button"
        disabled={rows.length >= param.maxItems}
        onClick={() => {
          onChange([...rows, emptyRow()]);
          setFocusRow(rows.length);
        }}
      >
        Add server
      </button>
      {known.length > 0 && (
        <select
          aria-label={`Add a server the fleet knows to ${param.label}`}
          value=""
          disabled={rows.length >= param.maxItems}
          onChange={(e) => pick(Number(e.target.value))}
        >
          <option value="">Add a server the fleet knows…</option>
          {known.map((k, i) => (
            <option key={`${k.name}\n${k.address}`} value={i}>
              {k.name} {k.address} (on {k.usedBy.join(', ')})
            </option>
          ))}
        </select>
      )}
      {own.length > 0 && (
        <p id={problemId} className="field-problem">
          {own.join('; ')}
        </p>
      )}
    </fieldset>
  );
}
