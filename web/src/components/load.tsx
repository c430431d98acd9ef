import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, errorText, get } from '../api';

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  notAvailable: boolean;
  missing: boolean;
  loading: boolean;
  reload: () => void;
}

// useResource loads a GET endpoint; `notAvailable` when the server does not have it (yet).
export function useResource<T>(path: string | null, deps: unknown[] = []): Loaded<T> {
  const [state, setState] = useState<Omit<Loaded<T>, 'reload'>>({
    data: null,
    error: null,
    notAvailable: false,
    missing: false,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((value) => value + 1), []);
  useEffect(() => {
    if (!path) return;
    let cancelled = false;
    get<T>(path).then(
      (data) => !cancelled && setState({ data, error: null, notAvailable: false, missing: false, loading: false }),
      (error) =>
        !cancelled &&
        setState((previous) => ({
          data: previous.data,
          error: errorText(error),
          notAvailable: error instanceof ApiError && error.notAvailable,
          missing: error instanceof ApiError && error.missing,
          loading: false,
        })),
    );
    return () => {
      cancelled = true;
    };
  }, [path, tick, ...deps]);
  return { ...state, reload };
}

// Show renders a resource: a spinner text, a "not available" note, an error, or the children.
export function Show<T>(props: {
  resource: Loaded<T>;
  what: string;
  children: (data: T) => ComponentChildren;
}) {
  const { resource } = props;
  if (resource.notAvailable) {
    return (
      <p class="muted not-available" role="note">
        {props.what}: not available on this server yet.
      </p>
    );
  }
  if (resource.error && !resource.data) {
    return (
      <p class="error" role="alert">
        {props.what}: {resource.error}
      </p>
    );
  }
  if (!resource.data) return <p class="muted">Loading {props.what.toLowerCase()}…</p>;
  return <>{props.children(resource.data)}</>;
}

export function Section(props: { id: string; title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="card" aria-labelledby={`${props.id}-title`} id={props.id}>
      <header class="card-head">
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        {props.actions}
      </header>
      {props.children}
    </section>
  );
}

// KeyValues renders a definition list; values are plain text (escaped by Preact).
export function KeyValues(props: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="kv">
      {props.rows.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Badge(props: { kind: string; value: string }) {
  return <span class={`badge ${props.kind}-${props.value.replace(/[^a-z0-9_-]/gi, '')}`}>{props.value}</span>;
}
