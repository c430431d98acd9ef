import { useState } from 'preact/hooks';
import { Badge, Section, Show, useResource } from '../components/load';
import { shortHash, text, when } from '../format';

type Json = Record<string, unknown>;

interface RunbookSummary {
  id: string;
  title: string;
  version: string;
  owners: string[];
  pipeline: string;
  default: boolean;
  content_hash: string;
  source_path: string;
  steps: { id: string; title: string; risk: string; approval_required: boolean; action: string; auto: boolean }[];
  lint?: unknown;
}

function list(value: unknown, key: string): Json[] {
  if (Array.isArray(value)) return value as Json[];
  const inner = value && typeof value === 'object' ? (value as Json)[key] : undefined;
  return Array.isArray(inner) ? (inner as Json[]) : [];
}

function Versions(props: { id: string }) {
  const versions = useResource<unknown>(`/api/v1/runbooks/${encodeURIComponent(props.id)}/versions`);
  const [diffFrom, setDiffFrom] = useState<string | null>(null);
  const diff = useResource<unknown>(
    diffFrom ? `/api/v1/runbooks/${encodeURIComponent(props.id)}/diff?from=${encodeURIComponent(diffFrom)}` : null,
  );
  return (
    <Show resource={versions} what="Version history">
      {(data) => {
        const rows = list(data, 'versions');
        return (
          <>
            <ul class="versions">
              {rows.map((v, i) => (
                <li key={i}>
                  v{text(v.version)} {when((v.loaded_at ?? v.created_at ?? v.first_seen_at) as string)} by {text(v.author)}
                  {v.message ? ` — ${text(v.message)}` : ''}{' '}
                  <code>{shortHash(v.content_hash)}</code>{' '}
                  {i > 0 || rows.length > 1 ? (
                    <button type="button" class="link" onClick={() => setDiffFrom(text(v.seq ?? v.number ?? v.version))}>
                      diff to current
                    </button>
                  ) : null}
                </li>
              ))}
            </ul>
            {diffFrom && (
              <Show resource={diff} what="Diff">
                {(d) => <pre class="diff">{typeof d === 'string' ? d : text((d as Json).diff ?? d)}</pre>}
              </Show>
            )}
          </>
        );
      }}
    </Show>
  );
}

export function RunbooksPage() {
  const runbooks = useResource<{ runbooks: RunbookSummary[] }>('/api/v1/runbooks');
  const [open, setOpen] = useState<string | null>(null);
  return (
    <main id="main" class="page">
      <h1 tabIndex={-1}>Runbooks</h1>
      <Show resource={runbooks} what="Runbooks">
        {(data) => (
          <div class="sections">
            {data.runbooks.map((rb) => (
              <Section key={rb.id} id={`rb-${rb.id}`} title={rb.title || rb.id}>
                <p>
                  <code>{rb.id}</code> v{rb.version} · pipeline {text(rb.pipeline)} · owners {rb.owners.join(', ') || '—'}
                  {rb.default && <span class="badge">default</span>} · <code title={rb.content_hash}>{shortHash(rb.content_hash)}</code>
                </p>
                <ol class="runbook-steps">
                  {rb.steps.map((step) => (
                    <li key={step.id}>
                      {step.title} <Badge kind="risk" value={step.risk} /> {step.action}
                      {step.approval_required && ' · approval'}
                      {step.auto && ' · auto'}
                    </li>
                  ))}
                </ol>
                <p class="muted">
                  Lint:{' '}
                  {rb.lint === undefined
                    ? 'loaded with strict validation (full lint: vakt runbook lint)'
                    : typeof rb.lint === 'string'
                      ? rb.lint
                      : JSON.stringify(rb.lint)}
                </p>
                <button type="button" class="secondary" aria-expanded={open === rb.id} onClick={() => setOpen(open === rb.id ? null : rb.id)}>
                  {open === rb.id ? 'Hide versions' : 'Version history'}
                </button>
                {open === rb.id && <Versions id={rb.id} />}
              </Section>
            ))}
          </div>
        )}
      </Show>
    </main>
  );
}
