/**
 * The labelled inputs the pool and virtual-service forms are made of: text (numbers included:
 * the schema says what is wrong with them), a select, a checkbox. Each carries its problem
 * (aria-invalid, aria-describedby), so a screen reader reads both when focus lands there.
 */
import type { ReactNode } from 'react';
import { Field, fieldAria } from '../../components/form-field.tsx';

export function TextInput({
  id,
  label,
  value,
  onChange,
  problem,
  placeholder,
  numeric,
  readOnly,
  hint,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  problem: string | undefined;
  placeholder?: string;
  numeric?: boolean;
  readOnly?: boolean;
  hint?: ReactNode;
}) {
  return (
    <Field id={id} label={label} problem={problem}>
      <input
        {...fieldAria(id, problem)}
        value={value}
        autoComplete="off"
        placeholder={placeholder}
        inputMode={numeric ? 'numeric' : undefined}
        readOnly={readOnly}
        onChange={(e) => onChange(e.target.value)}
      />
      {hint && <span className="field-hint muted">{hint}</span>}
    </Field>
  );
}

export function SelectInput<T extends string>({
  id,
  label,
  value,
  onChange,
  options,
  labels,
  problem,
}: {
  id: string;
  label: string;
  value: T;
  onChange: (value: T) => void;
  options: readonly T[];
  labels?: Partial<Record<T, string>>;
  problem: string | undefined;
}) {
  return (
    <Field id={id} label={label} problem={problem}>
      <select {...fieldAria(id, problem)} value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((option) => (
          <option key={option} value={option}>
            {labels?.[option] ?? option}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function CheckboxInput({
  id,
  label,
  checked,
  onChange,
}: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <div className="field">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}
