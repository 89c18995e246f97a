/**
 * The service form's content rules: one row each (name, hosts, path prefix, the pool a match
 * goes to), checked in the order listed. Each input is labelled with its row number ("Content
 * rule 2 pool"), so a screen reader user knows which row a field and its problem belong to.
 */
import { useId } from 'react';
import { fieldAria, FieldProblem } from '../../components/form-field.tsx';
import { newRuleRow, type RuleField, type RuleRow, ruleKey } from './service-form-model.ts';

const TEXT_COLUMNS: {
  field: Exclude<RuleField, 'pool'>;
  label: string;
  size: number;
  placeholder: string;
}[] = [
  { field: 'name', label: 'name', size: 12, placeholder: '' },
  { field: 'hosts', label: 'hosts', size: 22, placeholder: 'any host' },
  { field: 'pathPrefix', label: 'path prefix', size: 14, placeholder: 'any path' },
];

export function RuleRows({
  rows,
  pools,
  problems,
  onChange,
}: {
  rows: RuleRow[];
  /** Pool names to choose from. */
  pools: readonly string[];
  problems: Record<string, string>;
  onChange: (rows: RuleRow[]) => void;
}) {
  const id = useId();
  const update = (rowId: string, change: Partial<RuleRow>) =>
    onChange(rows.map((row) => (row.rowId === rowId ? { ...row, ...change } : row)));

  return (
    <fieldset className="rs-rows">
      <legend>Content rules</legend>
      <p className="muted field-hint">
        Checked in order: the first rule whose hosts and path prefix match picks the pool; hosts are
        comma-separated names or *.wildcards.
      </p>
      {rows.length === 0 ? (
        <p className="empty">No content rules: the default pool serves every request.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Hosts</th>
              <th scope="col">Path prefix</th>
              <th scope="col">Pool</th>
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => {
              const label = `Content rule ${i + 1}`;
              const poolKey = ruleKey(row.rowId, 'pool');
              const poolId = `${id}-${row.rowId}-pool`;
              const choices = row.pool === '' || pools.includes(row.pool) ? pools : [row.pool, ...pools];
              return (
                <tr key={row.rowId}>
                  {TEXT_COLUMNS.map(({ field, label: what, size, placeholder }) => {
                    const key = ruleKey(row.rowId, field);
                    const inputId = `${id}-${row.rowId}-${field}`;
                    return (
                      <td key={field}>
                        <input
                          {...fieldAria(inputId, problems[key])}
                          aria-label={`${label} ${what}`}
                          size={size}
                          placeholder={placeholder || undefined}
                          autoComplete="off"
                          value={row[field]}
                          onChange={(e) => update(row.rowId, { [field]: e.target.value })}
                        />
                        <FieldProblem id={inputId} problem={problems[key]} />
                      </td>
                    );
                  })}
                  <td>
                    <select
                      {...fieldAria(poolId, problems[poolKey])}
                      aria-label={`${label} pool`}
                      value={row.pool}
                      onChange={(e) => update(row.rowId, { pool: e.target.value })}
                    >
                      <option value="">Choose a pool…</option>
                      {choices.map((name) => (
                        <option key={name} value={name}>
                          {name}
                        </option>
                      ))}
                    </select>
                    <FieldProblem id={poolId} problem={problems[poolKey]} />
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
      <button type="button" onClick={() => onChange([...rows, newRuleRow()])}>
        Add content rule
      </button>
    </fieldset>
  );
}
