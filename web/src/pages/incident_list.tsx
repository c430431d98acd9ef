import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type Me, getOptional } from '../api';
import { Badge, Show, useResource } from '../components/load';
import { age, deadlineLabel, duration, text, when } from '../format';
import { useLive } from '../live';
import type { Deadline, Incident } from '../types';

const states = ['open', 'all', 'triggered', 'acknowledged', 'mitigated', 'resolved', 'closed'];
const severities = ['', 'critical', 'high', 'warning', 'medium', 'low', 'info'];

const maxDeadlineReads = 30; // bounded: deadlines are read per incident, for the first rows only

// useDeadlines reads each shown incident's regulatory clocks once (and again after a live event
// for that incident), so the list stays one request per change, not a polling loop.
function useDeadlines(ids: string[], refreshKey: unknown) {
  const cache = useRef(new Map<string, Deadline[] | null>());
  const [, setVersion] = useState(0);
  const stale = useRef(new Set<string>());
  useLive((event) => {
    if (event !== 'resync') stale.current.add(event.incident);
    else cache.current.clear();
  });
  useEffect(() => {
    let cancelled = false;
    const wanted = ids.slice(0, maxDeadlineReads).filter((id) => !cache.current.has(id) || stale.current.has(id));
    for (const id of wanted) {
      stale.current.delete(id);
      cache.current.set(id, cache.current.get(id) ?? null);
      getOptional<{ clocks?: Deadline[] }>(`/api/v1/incidents/${id}/regulatory`).then(
        (body) => {
          cache.current.set(id, body?.clocks ?? []);
          if (!cancelled) setVersion((v) => v + 1);
        },
        () => cache.current.set(id, []),
      );
    }
    return () => {
      cancelled = true;
    };
  }, [ids.join(','), refreshKey]);
  return (incident: Incident): Deadline[] =>
    incident.regulatory_deadlines ?? incident.deadlines ?? cache.current.get(incident.id) ?? [];
}

// NextDeadline shows the earliest open reporting deadline, e.g. "DORA initial notification in 3h 40m".
function NextDeadline(props: { deadlines: Deadline[] }) {
  const open = props.deadlines
    .filter((d) => !/met|submitted|done|not_required/.test(`${d.state ?? ''}`))
    .map((d) => ({ d, due: Date.parse(d.due_at ?? d.deadline ?? '') }))
    .filter((x) => !Number.isNaN(x.due))
    .sort((a, b) => a.due - b.due);
  if (open.length === 0) return <>—</>;
  const { d, due } = open[0];
  const overdue = due < Date.now();
  return (
    <span class={overdue ? 'deadline-overdue' : undefined} title={when(new Date(due).toISOString())}>
      {deadlineLabel(d.regime, d.obligation ?? d.kind)} {overdue ? `overdue by ${duration(Date.now() - due)}` : `in ${duration(due - Date.now())}`}
      {open.length > 1 && <small class="muted"> +{open.length - 1} more</small>}
    </span>
  );
}

export function IncidentListPage(_props: { me: Me }) {
  const [state, setState] = useState('open');
  const [severity, setSeverity] = useState('');
  const [pipeline, setPipeline] = useState('');
  const [search, setSearch] = useState('');
  const [, setClock] = useState(0);
  const query = new URLSearchParams({ state, limit: '200' });
  if (pipeline) query.set('pipeline', pipeline);
  const incidents = useResource<{ incidents: Incident[] }>(`/api/v1/incidents?${query}`);
  const pipelines = useResource<{ pipelines: { id: string }[] }>('/api/v1/pipelines');
  const pending = useRef<number | undefined>(undefined);

  // Pushed events only say "something changed": re-read the list, at most every 300 ms.
  useLive(() => {
    if (pending.current !== undefined) return;
    pending.current = window.setTimeout(() => {
      pending.current = undefined;
      incidents.reload();
    }, 300);
  });
  useEffect(() => {
    const timer = window.setInterval(() => setClock((tick) => tick + 1), 30000);  // ages move on
    return () => window.clearInterval(timer);
  }, []);

  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return (incidents.data?.incidents ?? []).filter(
      (incident) =>
        (!severity || incident.severity === severity) &&
        (!needle ||
          [incident.id, incident.title, incident.pipeline, incident.runbook?.id, incident.assignee]
            .join(' ')
            .toLowerCase()
            .includes(needle)),
    );
  }, [incidents.data, severity, search]);
  const deadlinesOf = useDeadlines(shown.map((incident) => incident.id), incidents.data);

  return (
    <main id="main" class="page">
      <h1 tabIndex={-1}>Incidents</h1>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          State
          <select value={state} onChange={(e) => setState((e.target as HTMLSelectElement).value)}>
            {states.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
        <label>
          Severity
          <select value={severity} onChange={(e) => setSeverity((e.target as HTMLSelectElement).value)}>
            {severities.map((value) => (
              <option key={value} value={value}>
                {value || 'any'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Pipeline
          <select value={pipeline} onChange={(e) => setPipeline((e.target as HTMLSelectElement).value)}>
            <option value="">any</option>
            {(pipelines.data?.pipelines ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.id}
              </option>
            ))}
          </select>
        </label>
        <label class="grow">
          Search
          <input
            type="search"
            value={search}
            placeholder="id, title, runbook, owner"
            onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
          />
        </label>
      </form>
      <Show resource={incidents} what="Incidents">
        {() =>
          shown.length === 0 ? (
            <p class="muted" data-testid="no-incidents">
              No incidents match. New ones appear here as they open.
            </p>
          ) : (
            <div class="table-wrap">
              <table class="incidents" data-testid="incident-table">
                <caption class="sr-only">Incidents, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Incident</th>
                    <th scope="col">Severity</th>
                    <th scope="col">State</th>
                    <th scope="col">Pipeline</th>
                    <th scope="col">Age</th>
                    <th scope="col">Owner</th>
                    <th scope="col">Runbook</th>
                    <th scope="col">Deadlines</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((incident) => (
                    <tr key={incident.id} data-incident={incident.id}>
                      <td data-label="Incident">
                        <a href={`/incidents/${incident.id}`}>
                          <strong>{incident.id}</strong> {incident.title}
                        </a>
                        {incident.drill && <span class="badge drill">drill</span>}
                      </td>
                      <td data-label="Severity">
                        <Badge kind="sev" value={incident.severity || 'none'} />
                      </td>
                      <td data-label="State">
                        <Badge kind="state" value={incident.state} />
                      </td>
                      <td data-label="Pipeline">{text(incident.pipeline)}</td>
                      <td data-label="Age" title={when(incident.created_at)}>
                        {age(incident.created_at)}
                      </td>
                      <td data-label="Owner">{text(incident.assignee)}</td>
                      <td data-label="Runbook">{text(incident.runbook?.id)}</td>
                      <td data-label="Deadlines">
                        <NextDeadline deadlines={deadlinesOf(incident)} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Show>
    </main>
  );
}
