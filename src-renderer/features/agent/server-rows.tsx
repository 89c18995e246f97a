/**
 * The pool form's real servers: one row each, added and removed in place. Each input is labelled
 * with its row number ("Real server 2 port"), so a screen reader user knows which row a field
 * and its problem belong to without the column header.
 */
import { useId } from 'react';
import { newServerRow, type ServerRow, serverKey } from './pool-form-model.ts';
import { fieldAria, FieldProblem } from '../../components/form-field.tsx';

type TextField = 'name' | 'address' | 'port' | 'weight';

const COLUMNS: { field: TextField; label: string; size: number; inputMode?: 'numeric' }[] = [
  { field: 'name', label: 'name', size: 12 },
  { field: 'address', label: 'address', size: 18 },
  { field: 'port', label: 'port', size: 6, inputMode: 'numeric' },
  { field: 'weight', label: 'weight', size: 5, inputMode: 'numeric' },
];

export function ServerRows({
  rows,
  problems,
  onChange,
}: {
  rows: ServerRow[];
  problems: Record<string, string>;
  onChange: (rows: ServerRow[]) => void;
}) {
  const id = useId();
  const update = (rowId: string, change: Partial<ServerRow>) =>
    onChange(rows.map((row) => (row.rowId === rowId ? { ...row, ...change } : row)));

  return (
    <fieldset className="rs-rows">
      <legend>Real servers</legend>
      {rows.length === 0 ? (
        <p className="empty">No real servers yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Address</th>
              <th scope="col">Port</th>
              <th scope="col">Weight</th>
              <th scope="col">Enabled</th>
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => {
              const label = `Real server ${i + 1}`;
              return (
                <tr key={row.rowId}>
                  {COLUMNS.map(({ field, label: what, size, inputMode }) => {
                    const key = serverKey(row.rowId, field);
                    const inputId = `${id}-${row.rowId}-${field}`;
                    return (
                      <td key={field}>
                        <input
                          {...fieldAria(inputId, problems[key])}
                          aria-label={`${label} ${what}`}
                          size={size}
                          inputMode={inputMode}
                          autoComplete="off"
                          value={row[field]}
                          onChange={(e) => update(row.rowId, { [field]: e.target.value })}
                        />
                        <FieldProblem id={inputId} problem={problems[key]} />
                      </td>
                    );
                  })}
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${label} enabled`}
                      checked={row.enabled}
                      onChange={(e) => update(row.rowId, { enabled: e.target.checked })}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      aria-label={`Remove ${label.toLowerCase()}${row.name ? ` (${row.name})` : ''}`}
                      onClick={() => onChange(rows.filter((r) => r.rowId !== row.rowId))}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <button type="button" onClick={() => onChange([...rows, newServerRow()])}>
        Add real server
      </button>
    </fieldset>
  );
}
