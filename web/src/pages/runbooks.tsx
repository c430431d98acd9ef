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
  lint?: { clean: boolean; findings: { check: string; message: string; line: number; column: number }[] };
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
        const latest = Math.max(...rows.map((v) => Number(v.version) || 0));
        return (
          <>
            <ul class="versions">
              {rows.map((v) => (
                <li key={text(v.version)}>
                  v{text(v.version)} {when((v.loaded_at ?? v.created_at ?? v.first_seen_at) as string)} by {text(v.author)}
                  {v.message ? ` — ${text(v.message)}` : ''}{' '}
                  <code>{shortHash(v.content_hash)}</code>{' '}
                  {Number(v.version) !== latest ? (
                    <button type="button" class="link" onClick={() => setDiffFrom(text(v.version))}>
                      diff to current
                    </button>
                  ) : (
                    <span class="badge">current</span>
                  )}
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

// Lint shows what `vakt runbook lint` finds in the loaded runbook, checked against the serving
// catalogue (unknown pipeline, escalation policy, template variables, approvals, …).
function Lint(props: { runbook: RunbookSummary }) {
  const lint = props.runbook.lint;
  if (!lint) return <p class="muted">Lint: not reported by this server.</p>;
  if (lint.clean) {
    return (
      <p class="lint-clean" data-testid={`lint-${props.runbook.id}`}>
        ✓ Lint clean
      </p>
    );
  }
  const file = props.runbook.source_path.split('/').pop() ?? props.runbook.id;
  return (
    <div class="lint-findings" data-testid={`lint-${props.runbook.id}`}>
      <p>
        <strong>
          ⚠ Lint: {lint.findings.length} finding{lint.findings.length === 1 ? '' : 's'}
        </strong>
      </p>
      <ul>
        {lint.findings.map((finding, i) => (
          <li key={i}>
            <code>
              {file}:{finding.line}:{finding.column}
            </code>{' '}
            {finding.message} <span class="badge">{finding.check}</span>
          </li>
        ))}
      </ul>
    </div>
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
                <Lint runbook={rb} />
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
