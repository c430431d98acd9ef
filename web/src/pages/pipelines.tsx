import { Section, Show, useResource } from '../components/load';
import { text, when } from '../format';

interface Pipeline {
  id: string;
  title: string;
  team: string;
  owners: string[];
  models: { name: string; registry_name: string }[];
  inside_change_window: boolean;
  risks: number;
}

interface Deployment {
  id: number;
  pipeline: string;
  version: string;
  summary: string;
  source: string;
  timestamp: string;
}

export function PipelinesPage() {
  const pipelines = useResource<{ pipelines: Pipeline[] }>('/api/v1/pipelines');
  const deployments = useResource<{ deployments: Deployment[] }>('/api/v1/deployments');
  return (
    <main id="main" class="page">
      <h1 tabIndex={-1}>Pipelines</h1>
      <Show resource={pipelines} what="Pipelines">
        {(data) => (
          <div class="sections">
            {data.pipelines.map((p) => {
              const recent = (deployments.data?.deployments ?? []).filter((d) => d.pipeline === p.id).slice(0, 5);
              return (
                <Section key={p.id} id={`p-${p.id}`} title={p.title || p.id}>
                  <p>
                    <code>{p.id}</code> · team {text(p.team)} · owners {p.owners.join(', ') || '—'} · {p.risks} open risk(s) ·
                    change window {p.inside_change_window ? 'open' : 'closed'}
                  </p>
                  <p>Models: {p.models.map((m) => `${m.name} (${m.registry_name})`).join(', ') || '—'}</p>
                  <h3>Recent deployments</h3>
                  {recent.length === 0 ? (
                    <p class="muted">None recorded.</p>
                  ) : (
                    <ul>
                      {recent.map((d) => (
                        <li key={d.id}>
                          {d.version} {when(d.timestamp)} — {d.summary} ({d.source})
                        </li>
                      ))}
                    </ul>
                  )}
                </Section>
              );
            })}
          </div>
        )}
      </Show>
    </main>
  );
}
