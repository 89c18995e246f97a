/**
 * Choosing the template: the library (the agents' built-ins and templates imported into the
 * Console) as a radio group, so arrow keys move through it, plus a file loaded from disk. A
 * file that is not JSON, or not an object, is refused here with the reason; everything else
 * about it is the agents' to judge on preview.
 */
import { useQuery } from '@tanstack/react-query';
import { type ChangeEvent, useId, useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import { templateQueries } from '../../api/queries.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Loading } from '../../components/loading.tsx';
import {
  type ChosenTemplate,
  fromEntry,
  MAX_TEMPLATE_FILE_BYTES,
  readTemplateFile,
} from './template-source.ts';

const SOURCE_LABEL: Record<ChosenTemplate['source'], string> = {
  builtin: 'built-in',
  imported: 'imported',
  file: 'from file',
};

export function TemplatePicker({
  chosen,
  onChoose,
}: {
  chosen: ChosenTemplate | undefined;
  onChoose: (template: ChosenTemplate) => void;
}) {
  const api = useApi();
  const id = useId();
  const list = useQuery(templateQueries.list(api));
  const [loaded, setLoaded] = useState<ChosenTemplate>();
  const [fileError, setFileError] = useState<string>();

  const options = [...(list.data?.templates.map(fromEntry) ?? []), ...(loaded ? [loaded] : [])];

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    setFileError(undefined);
    if (file.size > MAX_TEMPLATE_FILE_BYTES) {
      setFileError(
        `${file.name} is ${file.size} bytes; a template file is at most ${MAX_TEMPLATE_FILE_BYTES}`,
      );
      return;
    }
    let text: string;
    try {
      text = await file.text();
    } catch (err) {
      setFileError(`${file.name} cannot be read: ${(err as Error).message}`);
      return;
    }
    const read = readTemplateFile(file.name, text);
    if (!read.ok) {
      setFileError(read.message);
      return;
    }
    setLoaded(read.template);
    onChoose(read.template);
    // The same file can be loaded again after it was edited on disk.
    input.value = '';
  };

  return (
    <section aria-labelledby={`${id}-title`} className="tpl-step">
      <h3 id={`${id}-title`}>1. Template</h3>
      {list.isPending && <Loading what="templates" />}
      {list.error && (
        <ErrorMessage
          title="Could not list templates"
          error={list.error}
          onRetry={() => void list.refetch()}
        />
      )}
      {list.data && options.length === 0 && <p className="empty">No templates yet: load one from a file.</p>}
      {options.length > 0 && (
        <div role="radiogroup" aria-labelledby={`${id}-title`} className="tpl-options">
          {options.map((t) => (
            <label key={t.key} className="tpl-option">
              <input
                type="radio"
                name={`${id}-template`}
                checked={chosen?.key === t.key}
                onChange={() => onChoose(t)}
              />
              <span>
                <strong>{t.name}</strong>
                {t.version !== undefined && <span className="muted"> v{t.version}</span>}{' '}
                <span className="badge">{SOURCE_LABEL[t.source]}</span>
                {t.description && <span className="tpl-description muted">{t.description}</span>}
              </span>
            </label>
          ))}
        </div>
      )}
      <div className="field tpl-file">
        <label htmlFor={`${id}-file`}>Load a template file</label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".json,application/json"
          onChange={(e) => void onFile(e)}
        />
      </div>
      {fileError && <ErrorMessage title="Cannot use this file" error={new Error(fileError)} />}
      {chosen && chosen.problems.length > 0 && (
        <div className="tpl-warning" role="status">
          <p>
            This Console's check finds problems in {chosen.name}; the agents check it again on preview and
            will likely refuse it:
          </p>
          <ul className="tpl-problems">
            {chosen.problems.map((p, i) => (
              <li key={i}>
                {p.path && <code>{p.path}</code>}
                {p.path && ': '}
                {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
