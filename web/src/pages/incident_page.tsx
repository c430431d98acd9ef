import { useEffect, useRef, useState } from 'preact/hooks';
import { type Me, ApiError, errorText, getOptional, post, roleAtLeast } from '../api';
import { Badge, KeyValues, Section, Show, useResource } from '../components/load';
import { DriftHistogram, MetricBeforeAfter } from '../components/histogram';
import { StepCard } from '../components/steps';
import { age, deadlineLabel, safeHref, shortHash, text, when } from '../format';
import { useLive } from '../live';
import type { AlertSummary, Incident, IncidentEvent, Step } from '../types';

type Json = Record<string, unknown>;

// sameOriginPath accepts only an API path on this server (evidence downloads), never a full URL.
function sameOriginPath(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/api\/v1\/[A-Za-z0-9/_:.-]+$/.test(value) ? value : undefined;
}

const lifecycleByState: Record<string, string[]> = {
  triggered: ['ack', 'mitigate', 'resolve'],
  acknowledged: ['mitigate', 'resolve'],
  mitigated: ['resolve'],
  resolved: ['close', 'reopen'],
  closed: ['reopen'],
};

function asArray<T = Json>(value: unknown, key?: string): T[] {
  if (Array.isArray(value)) return value as T[];
  if (key && value && typeof value === 'object' && Array.isArray((value as Json)[key])) return (value as Json)[key] as T[];
  return [];
}

function Lifecycle(props: { incident: Incident; me: Me; onChanged: () => void }) {
  const [reason, setReason] = useState('');
  const [assignee, setAssignee] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!roleAtLeast(props.me, 'responder')) {
    return <p class="muted">Your role ({props.me.role}) can read this incident but not change it.</p>;
  }
  async function act(verb: string, body: Json) {
    setBusy(true);
    setError(null);
    try {
      await post(`/api/v1/incidents/${props.incident.id}/${verb}`, body);
      setReason('');
      setAssignee('');
      props.onChanged();
    } catch (e) {
      setError(`${verb} failed: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div class="lifecycle">
      <label for="lifecycle-reason">Reason</label>
      <input id="lifecycle-reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
      {(lifecycleByState[props.incident.state] ?? []).map((verb) => (
        <button key={verb} type="button" disabled={busy} data-action={verb} onClick={() => act(verb, { reason })}>
          {verb === 'ack' ? 'acknowledge' : verb}
        </button>
      ))}
      <label for="assignee">Assign to</label>
      <input id="assignee" value={assignee} onInput={(e) => setAssignee((e.target as HTMLInputElement).value)} />
      <button type="button" class="secondary" disabled={busy || !assignee.trim()} onClick={() => act('assign', { assignee: assignee.trim() })}>
        assign
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function ContextSnapshot(props: { context: Json | undefined }) {
  const c = props.context ?? {};
  const pipeline = (c.pipeline ?? null) as Json | null;
  const window = (c.change_window ?? {}) as Json;
  const links = asArray<Json>(c.links).concat(asArray<Json>(c.dashboards));
  const impact = asArray<Json>(c.business_impact);
  const risks = asArray<Json>(c.outstanding_risks);
  const deployments = asArray<Json>(c.recent_deployments);
  return (
    <>
      <KeyValues
        rows={[
          ['Pipeline', pipeline ? `${text(pipeline.id)} — ${text(pipeline.title)} (team ${text(pipeline.team)})` : text(c.pipeline_id)],
          ['Model', text(c.model)],
          ['Deployed version', text(c.deployed_version)],
          ['Previous version', text(c.previous_version)],
          ['Last deployment', c.minutes_since_last_deployment !== undefined ? `${text(c.minutes_since_last_deployment)} min before` : '—'],
          ['Change window', window.inside ? 'open now' : `closed (${text(window.windows ?? 0)} defined)`],
          ['Captured', when(c.captured_at as string)],
        ]}
      />
      <h3>Business impact</h3>
      {impact.length === 0 ? (
        <p class="muted">None recorded.</p>
      ) : (
        <ul>
          {impact.map((item, i) => (
            <li key={i}>
              {text(item.name)}
              {item.criticality ? ` · ${text(item.criticality)}` : ''}
              {item.slo ? ` · SLO ${text(item.slo)}` : ''}
            </li>
          ))}
        </ul>
      )}
      <h3>Outstanding risks</h3>
      {risks.length === 0 ? (
        <p class="muted">None open.</p>
      ) : (
        <ul>
          {risks.map((risk, i) => (
            <li key={i}>
              {text(risk.id)}: {text(risk.title)} ({text(risk.status)}, owner {text(risk.owner)})
            </li>
          ))}
        </ul>
      )}
      {deployments.length > 0 && (
        <>
          <h3>Recent deployments</h3>
          <ul>
            {deployments.map((d, i) => (
              <li key={i}>
                {text(d.version)} {when(d.timestamp as string)} — {text(d.summary)} ({text(d.source)})
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Links</h3>
      {links.length === 0 ? (
        <p class="muted">No links.</p>
      ) : (
        <ul>
          {links.map((link, i) => {
            const href = safeHref(link.url);
            return (
              <li key={i}>
                {href ? (
                  <a href={href} target="_blank" rel="noopener noreferrer">
                    {text(link.title)}
                  </a>
                ) : (
                  <span>
                    {text(link.title)} <small class="muted">(link withheld: not http/https)</small>
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

// RegulatoryClocks shows the reporting deadlines (EU AI Act, NIS2, DORA) that apply to the incident.
function RegulatoryClocks(props: { id: string; tick: number }) {
  const clocks = useResource<Json>(`/api/v1/incidents/${props.id}/regulatory`, [props.tick]);
  if (clocks.notAvailable || clocks.missing || !clocks.data) return null;
  const list = asArray<Json>(clocks.data.clocks);
  if (list.length === 0) return <p class="muted">No regulatory reporting clocks apply.</p>;
  return (
    <div class="deadlines" role="group" aria-label="Regulatory deadlines">
      <strong>Regulatory deadlines</strong>
      <ul>
        {list.map((clock, i) => (
          <li key={i} class={`deadline-${text(clock.state).replace(/[^a-z_]/g, '')}`}>
            {deadlineLabel(clock.regime, clock.obligation)}: due {when(clock.due_at as string)} ·{' '}
            {text(clock.state ?? clock.status).replace(/_/g, ' ')}
            {clock.provisional ? ' (provisional)' : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Labels(props: { labels: Record<string, string> }) {
  return (
    <ul class="labels">
      {Object.entries(props.labels ?? {}).map(([name, value]) => (
        <li key={name}>
          <span class="label-name">{name}</span>=<span class="label-value">{value}</span>
        </li>
      ))}
    </ul>
  );
}

function Detection(props: { incident: Incident; tick: number }) {
  const pages = useResource<unknown>(`/api/v1/incidents/${props.incident.id}/pages`, [props.tick]);
  const alerts: AlertSummary[] = props.incident.alerts ?? [];
  return (
    <>
      {alerts.length === 0 && <p class="muted">No alerts attached.</p>}
      <ul class="alerts">
        {alerts.map((alert) => (
          <li key={alert.fingerprint} class="alert-item">
            <div>
              <Badge kind="alert" value={alert.state} /> <code>{alert.fingerprint}</code> · {alert.source} · since{' '}
              {when(alert.starts_at)}
            </div>
            {alert.annotations?.summary && <p>{alert.annotations.summary}</p>}
            <Labels labels={alert.labels} />
          </li>
        ))}
      </ul>
      <h3>Pages</h3>
      <Show resource={pages} what="Pages sent">
        {(data) => {
          const list = asArray<Json>(data, 'pages');
          return list.length === 0 ? (
            <p class="muted">Nobody paged yet.</p>
          ) : (
            <ul>
              {list.map((page, i) => (
                <li key={i}>
                  level {text(page.level)}: <strong>{text(page.user ?? page.target)}</strong> via {text(page.via ?? page.channel)}
                  {page.channels ? ` (${text(page.channels)})` : ''} · queued {when(page.enqueued_at as string)}
                  {page.delivered_at ? ` · delivered ${when(page.delivered_at as string)}` : ' · not delivered yet'}
                  {page.acked_at ? ` · acknowledged ${when(page.acked_at as string)}` : ''}
                </li>
              ))}
            </ul>
          );
        }}
      </Show>
    </>
  );
}

function periodValue(period: unknown): string {
  if (period && typeof period === 'object') {
    const p = period as Json;
    return `${text(p.mean ?? p.value)}${p.n !== undefined ? ` (n=${text(p.n)})` : ''}`;
  }
  return text(period);
}

function periodMean(period: unknown): number | null {
  if (typeof period === 'number') return period;
  if (period && typeof period === 'object') {
    const p = period as Json;
    const value = p.mean ?? p.value ?? p.auc;
    return typeof value === 'number' ? value : null;
  }
  return null;
}

// The histogram x axis: left bin edges for numeric columns, positions for categorical ones.
function histogramAxis(h: Json, bins: number): number[] {
  const edges = asArray<number>(h.edges);
  return Array.from({ length: bins }, (_, i) => (typeof edges[i] === 'number' ? edges[i] : i));
}

function Investigation(props: { incident: Incident; me: Me; tick: number }) {
  const [ownTick, setTick] = useState(0);
  const tick = ownTick + props.tick;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const diagnosis = useResource<Json>(`/api/v1/incidents/${props.incident.id}/diagnosis`, [tick]);
  async function run() {
    setBusy(true);
    setError(null);
    try {
      await post(`/api/v1/incidents/${props.incident.id}/diagnose`, {});
      setTick((t) => t + 1);
    } catch (e) {
      setError(`diagnose failed: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  }
  const runButton = roleAtLeast(props.me, 'responder') && !diagnosis.notAvailable && (
    <button type="button" class="secondary" disabled={busy} onClick={run}>
      {busy ? 'Diagnosing…' : diagnosis.data ? 'Run diagnosis again' : 'Run diagnosis'}
    </button>
  );
  if (diagnosis.missing) {
    return (
      <>
        <p class="muted">No diagnosis yet.</p>
        {runButton}
        {error && <p class="error" role="alert">{error}</p>}
      </>
    );
  }
  return (
    <Show resource={diagnosis} what="Diagnosis">
      {(data) => {
        const result = (data.result ?? data) as Json;
        const hypotheses = asArray<Json>(result.hypotheses);
        const drift = (result.drift ?? {}) as Json;
        const histograms = asArray<Json>(drift.histograms);
        const regression = (result.regression ?? null) as Json | null;
        return (
          <>
            <p>
              Verdict <strong>{text(data.verdict ?? result.verdict)}</strong>
              {data.score !== undefined && ` · score ${text(data.score)}`} · by {text(data.actor)} {when(data.created_at as string)}
            </p>
            {runButton}
            {error && <p class="error" role="alert">{error}</p>}
            <h3>Triage hypotheses</h3>
            {hypotheses.length === 0 ? (
              <p class="muted">No hypotheses.</p>
            ) : (
              <ol>
                {hypotheses.map((h, i) => (
                  <li key={i}>
                    <strong>{text(h.cause ?? h.title ?? h.name)}</strong>
                    {h.score !== undefined && ` (score ${text(h.score)})`} {text(h.explanation)}
                    {asArray<unknown>(h.evidence).length > 0 && (
                      <ul>
                        {asArray<unknown>(h.evidence).map((e, j) => (
                          <li key={j}>{text(e)}</li>
                        ))}
                      </ul>
                    )}
                  </li>
                ))}
              </ol>
            )}
            <h3>Drift: reference vs current</h3>
            {histograms.length === 0 ? (
              <p class="muted">No drift histograms in this diagnosis.</p>
            ) : (
              <div class="charts">
                {histograms.map((h, i) => {
                  const reference = asArray<number>(h.reference_counts ?? h.reference);
                  const current = asArray<number>(h.current_counts ?? h.current);
                  return (
                    <DriftHistogram
                      key={i}
                      title={`${text(h.column)}${h.drift ? ' · drifted' : ''}`}
                      edges={histogramAxis(h, Math.min(reference.length, current.length))}
                      reference={reference}
                      current={current}
                    />
                  );
                })}
              </div>
            )}
            <h3>Metric before and after the deployment</h3>
            {!regression ? (
              <p class="muted">No metric comparison in this diagnosis.</p>
            ) : (
              <>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Metric</th>
                      <th scope="col">Before</th>
                      <th scope="col">After</th>
                      <th scope="col">Reference</th>
                      <th scope="col">Regressed</th>
                    </tr>
                  </thead>
                  <tbody>
                    <tr>
                      <td>{text(regression.metric)}</td>
                      <td>{periodValue(regression.before)}</td>
                      <td>{periodValue(regression.after)}</td>
                      <td>
                        {text(regression.reference)} ({text(regression.reference_kind)})
                      </td>
                      <td>{regression.regressed ? 'yes' : 'no'}</td>
                    </tr>
                  </tbody>
                </table>
                <MetricBeforeAfter
                  metric={text(regression.metric)}
                  splitAt={text(regression.split_at)}
                  before={periodMean(regression.before)}
                  after={periodMean(regression.after)}
                  reference={typeof regression.reference === 'number' ? regression.reference : null}
                />
                <p>{text(regression.explanation)}</p>
              </>
            )}
            {typeof data.report === 'string' && (
              <details>
                <summary>Full report</summary>
                <pre>{data.report}</pre>
              </details>
            )}
          </>
        );
      }}
    </Show>
  );
}

interface TimelineEntry {
  time: string;
  actor: string;
  what: string;
  detail: string;
}

export function IncidentPage(props: { id: string; me: Me }) {
  const [tick, setTick] = useState(0);
  const refresh = () => setTick((value) => value + 1);
  const incident = useResource<Incident>(`/api/v1/incidents/${props.id}`, [tick]);
  const steps = useResource<unknown>(`/api/v1/incidents/${props.id}/steps`, [tick]);
  const events = useResource<{ events: IncidentEvent[] }>(`/api/v1/incidents/${props.id}/events`, [tick]);
  const evidence = useResource<unknown>(`/api/v1/incidents/${props.id}/evidence`, [tick]);
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string | null>(null);

  // Every change to this incident arrives on the live stream (lifecycle events, and audit records
  // of step transitions, approvals, evidence, pages and notifications): re-read once per burst.
  const pending = useRef<number | undefined>(undefined);
  useLive((event) => {
    if (event !== 'resync' && event.incident !== props.id) return;
    if (pending.current !== undefined) return;
    pending.current = window.setTimeout(() => {
      pending.current = undefined;
      refresh();
    }, 200);
  });
  useEffect(() => () => window.clearTimeout(pending.current), []);

  async function addNote(e: Event) {
    e.preventDefault();
    setNoteError(null);
    try {
      await post(`/api/v1/incidents/${props.id}/notes`, { text: note });
      setNote('');
      refresh();
    } catch (err) {
      setNoteError(errorText(err));
    }
  }

  const stepList = asArray<Step>(steps.data, 'steps');
  const resolutionChecks = stepList.filter((s) => /resolution|verif/.test(s.section ?? ''));
  const stabilisation = stepList.filter((s) => !resolutionChecks.includes(s));
  const notes = (events.data?.events ?? []).filter((e) => e.kind === 'note' || e.kind === 'noted');

  return (
    <main id="main" class="page incident">
      <Show resource={incident} what={`Incident ${props.id}`}>
        {(inc) => (
          <>
            <div class="incident-head">
              <h1 tabIndex={-1}>
                {inc.id} {inc.title}
              </h1>
              <p>
                <Badge kind="sev" value={inc.severity || 'none'} /> <Badge kind="state" value={inc.state} /> opened{' '}
                {age(inc.created_at)} ago · owner {text(inc.assignee)} · runbook {text(inc.runbook?.id)} v{text(inc.runbook?.version)}{' '}
                <code title={inc.runbook?.content_hash}>{shortHash(inc.runbook?.content_hash)}</code>
              </p>
              <RegulatoryClocks id={inc.id} tick={tick} />
              <Lifecycle incident={inc} me={props.me} onChanged={refresh} />
            </div>
            <nav class="toc" aria-label="Sections">
              <a href="#context">1 Context</a> <a href="#detection">2 Detection</a> <a href="#stabilisation">3 Stabilisation</a>{' '}
              <a href="#investigation">4 Investigation</a> <a href="#resolution">5 Resolution</a> <a href="#timeline">Timeline</a>{' '}
              <a href="#notes">Notes</a> <a href="#evidence">Evidence</a>
            </nav>
            <div class="sections">
              <Section id="context" title="1 · Context snapshot">
                <ContextSnapshot context={inc.context} />
              </Section>
              <Section id="detection" title="2 · Detection">
                <Detection incident={inc} tick={tick} />
              </Section>
              <Section id="stabilisation" title="3 · Stabilisation">
                <Show resource={steps} what="Steps">
                  {() =>
                    stabilisation.length === 0 ? (
                      <p class="muted">This runbook has no stabilisation steps.</p>
                    ) : (
                      <ol class="steps">
                        {stabilisation.map((step) => (
                          <StepCard key={step.id} incident={inc.id} step={step} me={props.me} onChanged={refresh} />
                        ))}
                      </ol>
                    )
                  }
                </Show>
              </Section>
              <Section id="investigation" title="4 · Investigation">
                <Investigation incident={inc} me={props.me} tick={tick} />
              </Section>
              <Section id="resolution" title="5 · Resolution checks">
                {resolutionChecks.length === 0 ? (
                  <p class="muted">
                    {steps.notAvailable ? 'Resolution checks: not available on this server yet.' : 'No resolution checks reported.'}
                  </p>
                ) : (
                  <ol class="steps">
                    {resolutionChecks.map((step) => (
                      <StepCard key={step.id} incident={inc.id} step={step} me={props.me} onChanged={refresh} />
                    ))}
                  </ol>
                )}
                <KeyValues
                  rows={[
                    ['Acknowledged', when(inc.acknowledged_at)],
                    ['Mitigated', when(inc.mitigated_at)],
                    ['Resolved', when(inc.resolved_at)],
                    ['Closed', when(inc.closed_at)],
                  ]}
                />
              </Section>
              <Section id="timeline" title="Timeline">
                <Timeline id={inc.id} tick={tick} />
              </Section>
              <Section id="notes" title="Notes">
                {notes.length === 0 ? (
                  <p class="muted">No notes yet.</p>
                ) : (
                  <ul class="notes">
                    {notes.map((n) => (
                      <li key={n.id}>
                        <strong>{n.actor}</strong> {when(n.time)}: {n.reason || text((n.details as Json | null)?.text)}
                      </li>
                    ))}
                  </ul>
                )}
                {roleAtLeast(props.me, 'responder') && (
                  <form onSubmit={addNote} class="note-form">
                    <label for="note">Add a note</label>
                    <textarea id="note" rows={3} value={note} maxLength={4000} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
                    <button type="submit" disabled={!note.trim()}>
                      Add note
                    </button>
                    {noteError && (
                      <p class="error" role="alert">
                        {noteError}
                      </p>
                    )}
                  </form>
                )}
              </Section>
              <Section id="evidence" title="Evidence">
                <Show resource={evidence} what="Evidence">
                  {(data) => {
                    const items = asArray<Json>(data, 'evidence');
                    return items.length === 0 ? (
                      <p class="muted">No evidence recorded yet.</p>
                    ) : (
                      <ul class="evidence" data-testid="evidence-list">
                        {items.map((item, i) => (
                          <li key={i}>
                            <strong>{text(item.name ?? item.kind)}</strong>
                            {item.step ? ` · step ${text(item.step)}` : ''} · {text(item.media_type ?? item.kind)} ·{' '}
                            {text(item.size ?? item.bytes)} bytes · {when((item.created_at ?? item.stored_at) as string)}
                            {item.created_by ? ` · by ${text(item.created_by)}` : ''}{' '}
                            {sameOriginPath(item.url) ? (
                              <a href={sameOriginPath(item.url)} target="_blank" rel="noopener noreferrer" title={text(item.sha256 ?? item.digest)}>
                                {shortHash(item.sha256 ?? item.digest)}
                              </a>
                            ) : (
                              <code title={text(item.sha256 ?? item.digest)}>{shortHash(item.sha256 ?? item.digest)}</code>
                            )}
                          </li>
                        ))}
                      </ul>
                    );
                  }}
                </Show>
              </Section>
            </div>
          </>
        )}
      </Show>
    </main>
  );
}

function Timeline(props: { id: string; tick: number }) {
  const [entries, setEntries] = useState<{ source: string; list: TimelineEntry[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    loadTimeline(props.id).then(
      (loaded) => !cancelled && setEntries(loaded),
      (e) => !cancelled && setError(errorText(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [props.id, props.tick]);
  if (error && !entries) return <p class="error">Timeline: {error}</p>;
  if (!entries) return <p class="muted">Loading timeline…</p>;
  return (
    <>
      <p class="muted">from {entries.source}</p>
      <ol class="timeline" data-testid="timeline">
        {entries.list.map((entry, i) => (
          <li key={i}>
            <time>{when(entry.time)}</time> <strong>{entry.what}</strong> by {entry.actor}
            {entry.detail && <span class="muted"> — {entry.detail}</span>}
          </li>
        ))}
      </ol>
    </>
  );
}

// describeDetails turns an audit record's details into one readable line: the state change, the
// reason, then a few other fields.
function describeDetails(details: Json | undefined): string {
  if (!details || typeof details !== 'object') return '';
  const parts: string[] = [];
  if (typeof details.to === 'string' && details.to) {
    parts.push(`${typeof details.from === 'string' && details.from ? details.from : 'new'} → ${details.to}`);
  }
  if (typeof details.reason === 'string' && details.reason) parts.push(details.reason);
  const skip = new Set(['from', 'to', 'reason', 'details', 'execution_id']);
  const rest = Object.entries(details).filter(([key, value]) => !skip.has(key) && value !== '' && value !== null);
  for (const [key, value] of rest.slice(0, 3)) {
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    parts.push(`${key}: ${shown.length > 80 ? `${shown.slice(0, 77)}…` : shown}`);
  }
  return parts.join(' · ');
}

async function loadTimeline(id: string): Promise<{ source: string; list: TimelineEntry[] }> {
  // The incident's own record and its steps' records (subject step/INC-n/…).
  const query = `subject=${encodeURIComponent(`incident/${id}`)}&subject_prefix=${encodeURIComponent(`step/${id}/`)}`;
  const audit = await getOptional<unknown>(`/api/v1/audit/records?${query}`).catch((e) => {
    // A role that may not read the audit log still gets the incident's own events.
    if (e instanceof ApiError && [400, 401, 403].includes(e.status)) return null;
    throw e;
  });
  if (audit) {
    const records = asArray<Json>(audit, 'records');
    return {
      source: 'the audit log',
      list: records.map((r) => {
        const event = (r.event ?? r) as Json;
        return {
          time: text(r.time),
          actor: text(event.actor),
          what: text(event.action),
          detail: describeDetails(event.details as Json | undefined),
        };
      }),
    };
  }
  const events = await getOptional<{ events: IncidentEvent[] }>(`/api/v1/incidents/${id}/events`);
  return {
    source: 'the incident events',
    list: (events?.events ?? []).map((e) => ({
      time: e.time,
      actor: e.actor,
      what: e.to_state && e.from_state !== e.to_state && e.kind !== e.to_state ? `${e.kind} → ${e.to_state}` : e.kind,
      detail: e.reason,
    })),
  };
}
