/**
 * What the pool form and the virtual-service form share: the revision the form edits against
 * and the object as it ran then, the admin's values, the check before sending, the send with
 * that revision (so a change made elsewhere meanwhile is refused — CONFLICT — rather than
 * overwritten), the agent's problems filed at their fields, and a reload that keeps the edits.
 * Whatever goes wrong stays in the form with the admin's input.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { AgentConfigView, UpsertResult } from '../../../shared/ipc/agent-config.ts';
import type { AgentConfig } from '../../../shared/model/config.ts';
import type { ObjectKind } from '../../../shared/model/config-diff.ts';
import { useApi } from '../../api/api-context.tsx';
import { agentQueries } from '../../api/queries.ts';
import { queryKeys } from '../../api/query-keys.ts';
import { type FormProblems, NO_PROBLEMS, type Validation } from './form-problems.ts';

/** What the form edits against: the revision it expects and the configuration running at it. */
export interface Basis<T> {
  revision: number;
  config: AgentConfig;
  /** The edited object as the agent ran it at that revision; undefined when creating. */
  base: T | undefined;
}

/** A change the agent acknowledged, for the confirmation above the lists. */
export interface Applied {
  kind: ObjectKind;
  name: string;
  revision: number;
  action: 'created' | 'updated' | 'removed';
}

export interface ObjectFormSpec<V, T extends { name: string }> {
  kind: ObjectKind;
  agentId: string;
  /** The configuration when the form opened; later refetches do not move the form's revision. */
  config: AgentConfigView;
  /** Name of the object to edit; undefined to create one. */
  editing: string | undefined;
  /** The object of a name in a configuration. */
  find: (config: AgentConfig, name: string) => T | undefined;
  initial: (base: T | undefined) => V;
  validate: (values: V, basis: Basis<T>) => Validation<T>;
  /** The agent's refusal filed against the values that were sent; undefined when it names no field. */
  fileError: (error: unknown, values: V, basis: Basis<T>) => FormProblems | undefined;
  send: (document: T, expectRevision: number) => Promise<UpsertResult>;
  /**
   * After a reload: the admin's values, with what the form hides taken from the newer object
   * (`opened`: the object the values were opened, or last rebased, on).
   */
  rebase: (values: V, latest: T | undefined, opened: T | undefined) => V;
  onApplied: (applied: Applied) => void;
}

interface Sent<V, T> {
  document: T;
  basis: Basis<T>;
  /** The values the document came from: the agent's problems are filed against them. */
  values: V;
}

export function useObjectForm<V, T extends { name: string }>(spec: ObjectFormSpec<V, T>) {
  const api = useApi();
  const client = useQueryClient();
  const { agentId, editing } = spec;
  const formRef = useRef<HTMLFormElement>(null);
  const [basis, setBasis] = useState<Basis<T>>(() => ({
    revision: spec.config.revision,
    config: spec.config.config,
    base: editing === undefined ? undefined : spec.find(spec.config.config, editing),
  }));
  const [values, setValues] = useState<V>(() => spec.initial(basis.base));
  const [problems, setProblems] = useState<FormProblems>(NO_PROBLEMS);
  const [note, setNote] = useState<string>();
  // Bumped when a submit finds problems: focus then goes to the first one.
  const [focusRequest, setFocusRequest] = useState(0);

  const apply = useMutation({
    mutationFn: ({ document, basis: sentOn }: Sent<V, T>) => spec.send(document, sentOn.revision),
    onSuccess: ({ revision, created }, { document }) => {
      void client.invalidateQueries({ queryKey: queryKeys.agent(agentId) });
      spec.onApplied({
        kind: spec.kind,
        name: document.name,
        revision,
        action: created ? 'created' : 'updated',
      });
    },
    onError: (error, sent) => {
      const filed = spec.fileError(error, sent.values, sent.basis);
      if (filed) setProblems(filed);
    },
  });

  const reload = useMutation({
    // staleTime 0: the cached configuration is the one that was refused.
    mutationFn: () => client.fetchQuery({ ...agentQueries.config(api, agentId), staleTime: 0 }),
    onSuccess: (fresh) => {
      const latest = editing === undefined ? undefined : spec.find(fresh.config, editing);
      const opened = basis.base;
      setBasis((held) => ({ revision: fresh.revision, config: fresh.config, base: latest ?? held.base }));
      setValues((held) => spec.rebase(held, latest, opened));
      apply.reset();
      setNote(
        editing !== undefined && !latest
          ? `Reloaded revision ${fresh.revision}: "${editing}" was removed elsewhere; applying creates it again.`
          : `Reloaded revision ${fresh.revision}. Your edits are kept: review them and apply again.`,
      );
    },
  });

  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('input, select')?.focus();
  }, []);

  useEffect(() => {
    if (focusRequest === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], .form-problems')?.focus();
  }, [focusRequest]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = spec.validate(values, basis);
    apply.reset();
    if (!checked.ok) {
      setProblems(checked.problems);
      setFocusRequest((n) => n + 1);
      return;
    }
    setProblems(NO_PROBLEMS);
    setNote(undefined);
    apply.mutate({ document: checked.document, basis, values });
  };

  const set = <K extends keyof V>(key: K, value: V[K]) => {
    setProblems((held) => withoutEdited(held, String(key), values[key], value));
    setValues((held) => ({ ...held, [key]: value }));
  };

  return { basis, values, set, problems, note, apply, reload, submit, formRef };
}

export type ObjectForm<V> = ReturnType<typeof useObjectForm<V, { name: string }>>;

/**
 * A problem goes from its field once the admin edits that field (the list on top stays until the
 * next check): a field still marked invalid after a fix reads as if the fix did not take. Rows
 * (servers, content rules) are matched by rowId: editing a row clears that row's problems.
 */
function withoutEdited(problems: FormProblems, key: string, before: unknown, after: unknown): FormProblems {
  let drop: (field: string) => boolean;
  if (Array.isArray(after)) {
    const old = new Map(((before as { rowId: string }[] | undefined) ?? []).map((r) => [r.rowId, r]));
    const edited = (after as { rowId: string }[]).filter((r) => old.get(r.rowId) !== r).map((r) => r.rowId);
    if (edited.length === 0) return problems;
    drop = (field) => edited.some((rowId) => field.includes(`:${rowId}:`));
  } else {
    drop = (field) => field === key;
  }
  const kept = Object.entries(problems.fields).filter(([field]) => !drop(field));
  return kept.length === Object.keys(problems.fields).length
    ? problems
    : { ...problems, fields: Object.fromEntries(kept) };
}
