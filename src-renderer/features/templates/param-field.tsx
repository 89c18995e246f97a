/**
 * One parameter as a form field, its kind chosen by the parameter's type: text for names and
 * addresses, a number input for ports and integers, a checkbox or a yes/no choice for a
 * boolean, a select for an enum, the certificate and real-server pickers for those. The label,
 * the help text and the problems are tied to the input (for, aria-describedby), so a screen
 * reader says what the field is for and what is wrong with it.
 */
import type { ReactNode } from 'react';
import { CertificatePicker } from './certificate-picker.tsx';
import {
  isCheckbox,
  type FieldValue,
  type ParamProblem,
  problemsAt,
  type RealServerRow,
} from './param-values.ts';
import { RealServerPicker } from './real-server-picker.tsx';
import type { FormParameter } from './template-source.ts';

export interface ParamFieldProps {
  param: FormParameter;
  value: FieldValue | undefined;
  onChange: (value: FieldValue) => void;
  problems: readonly ParamProblem[];
  /** The agents chosen so far: the certificate picker offers what they hold. */
  agentIds: readonly string[];
  /** Unique prefix for element ids. */
  idPrefix: string;
  /** Where a real server's port comes from when its row gives none. */
  portHint?: string;
}

export function ParamField(props: ParamFieldProps) {
  const { param, value, onChange, problems, idPrefix } = props;
  const id = `${idPrefix}-${param.name}`;
  const own = problemsAt(problems, param.name);
  const helpId = param.description || param.type === 'other' ? `${id}-help` : undefined;
  const problemId = own.length ? `${id}-problem` : undefined;
  const describedBy = [helpId, problemId].filter(Boolean).join(' ') || undefined;
  const a11y = {
    id,
    'aria-describedby': describedBy,
    'aria-invalid': own.length ? true : undefined,
    'aria-required': param.required || undefined,
  };
  const text = typeof value === 'string' ? value : '';

  if (param.type === 'realServers') {
    return (
      <RealServerPicker
        param={param}
        rows={Array.isArray(value) ? value : []}
        onChange={(rows: RealServerRow[]) => onChange(rows)}
        problems={problems}
        idPrefix={id}
        {...(props.portHint === undefined ? {} : { portHint: props.portHint })}
      />
    );
  }

  let input: ReactNode;
  switch (param.type) {
    case 'port':
      input = (
        <input
          {...a11y}
          type="number"
          min={1}
          max={65535}
          step={1}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case 'integer':
      input = (
        <input
          {...a11y}
          type="number"
          step={1}
          min={param.min}
          max={param.max}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case 'boolean':
      input = isCheckbox(param) ? (
        <input
          {...a11y}
          type="checkbox"
          checked={value === true}
          onChange={(e) => onChange(e.target.checked)}
        />
      ) : (
        <select {...a11y} value={text} onChange={(e) => onChange(e.target.value)}>
          <option value="">(not set: the configuration's default)</option>
          <option value="true">yes</option>
          <option value="false">no</option>
        </select>
      );
      break;
    case 'enum':
      input = (
        <select {...a11y} value={text} onChange={(e) => onChange(e.target.value)}>
          {param.default === undefined && (
            <option value="">{param.required ? 'Choose…' : '(not set)'}</option>
          )}
          {param.values.map((v, i) => (
            <option key={i} value={String(i)}>
              {String(v)}
            </option>
          ))}
        </select>
      );
      break;
    case 'certificate':
      input = (
        <CertificatePicker
          {...a11y}
          label={param.label}
          value={text}
          onChange={onChange}
          agentIds={props.agentIds}
        />
      );
      break;
    default:
      input = (
        <input
          {...a11y}
          type="text"
          value={text}
          autoComplete="off"
          onChange={(e) => onChange(e.target.value)}
        />
      );
  }

  return (
    <div className="field tpl-field">
      <label htmlFor={id}>
        {param.label}
        {param.required && (
          <span className="tpl-required" aria-hidden="true" title="required">
            {' '}
            *
          </span>
        )}
      </label>
      {input}
      {helpId && (
        <span id={helpId} className="tpl-help muted">
          {param.description}
          {param.type === 'other' && ` (a ${param.declaredType} value; the agent checks it)`}
        </span>
      )}
      {problemId && (
        <span id={problemId} className="field-problem">
          {own.join('; ')}
        </span>
      )}
    </div>
  );
}
