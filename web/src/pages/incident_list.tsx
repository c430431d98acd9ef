import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Me } from '../api';
import { Badge, Show, useResource } from '../components/load';
import { age, text, when } from '../format';
import { useLive } from '../live';
import type { Deadline, Incident } from '../types';

const states = ['open', 'all', 'triggered', 'acknowledged', 'mitigated', 'resolved', 'closed'];
const severities = ['', 'critical', 'high', 'warning', 'medium', 'low', 'info'];

function deadlinesOf(incident: Incident): Deadline[] {
  return incident.regulatory_deadlines ?? incident.deadlines ?? [];
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
                        {deadlinesOf(incident).length === 0
                          ? '—'
                          : deadlinesOf(incident).map((d, i) => (
                              <div key={i}>
                                {text(d.regime ?? d.name ?? d.kind)}: {when(d.due_at ?? d.deadline)}
                              </div>
                            ))}
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
