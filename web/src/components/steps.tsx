import { useState } from 'preact/hooks';
import { type Me, errorText, post, roleAtLeast } from '../api';
import { shortHash, text, when } from '../format';
import type { Step } from '../types';
import { Badge } from './load';

type Verb = 'request' | 'approve' | 'deny' | 'run' | 'confirm' | 'skip' | 'dry-run';

// Which buttons a step in a given state offers, and the least role each needs (the server
// enforces both; this only keeps the page from offering what would be refused).
function verbsFor(step: Step, me: Me | null): Verb[] {
  const verbs: Verb[] = [];
  const needsApproval = step.requires_approval ?? !!step.approval;
  const responder = roleAtLeast(me, 'responder');
  const approver = roleAtLeast(me, 'approver');
  switch (step.state) {
    case 'pending':
      if (responder) verbs.push(needsApproval ? 'request' : 'run');
      break;
    case 'awaiting_approval':
      if (approver) verbs.push('approve', 'deny');
      break;
    case 'approved':
    case 'failed':
    case 'timed_out':
      if (responder) verbs.push('run');
      break;
    case 'running':
    case 'outcome_unknown':
      if (responder) verbs.push('confirm');
      break;
  }
  const terminal = ['succeeded', 'skipped', 'running'].includes(step.state);
  if (responder && !terminal) verbs.push('dry-run', 'skip');
  return verbs;
}

function Preview(props: { step: Step }) {
  const { step } = props;
  if (step.preview === undefined || step.preview === null) return null;
  const content = typeof step.preview === 'string' ? step.preview : JSON.stringify(step.preview, null, 2);
  return (
    <details class="preview" open={step.state === 'awaiting_approval'}>
      <summary>Exact content{step.state === 'awaiting_approval' ? ' to approve' : ''}</summary>
      <pre data-testid={`preview-${step.id}`}>{content}</pre>
      <p class="hash">
        content hash <code data-testid={`hash-${step.id}`}>{text(step.content_hash)}</code>
      </p>
    </details>
  );
}

export function StepCard(props: { incident: string; step: Step; me: Me | null; onChanged: () => void }) {
  const { step, me } = props;
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState<Verb | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [dryRun, setDryRun] = useState<string | null>(null);
  const verbs = verbsFor(step, me);
  const reasonId = `reason-${step.id}`;

  async function act(verb: Verb) {
    setBusy(verb);
    setMessage(null);
    try {
      const result = await post<unknown>(`/api/v1/incidents/${props.incident}/steps/${encodeURIComponent(step.id)}/${verb}`, {
        reason,
        content_hash: step.content_hash ?? '',
      });
      if (verb === 'dry-run') {
        setDryRun(typeof result === 'string' ? result : JSON.stringify(result, null, 2));
      } else {
        setReason('');
        props.onChanged();
      }
    } catch (e) {
      setMessage(`${verb} failed: ${errorText(e)}`);
    } finally {
      setBusy(null);
    }
  }

  return (
    <li class="step" data-step={step.id} data-state={step.state}>
      <div class="step-head">
        <h3>{step.title || step.id}</h3>
        <Badge kind="risk" value={step.risk || 'unknown'} />
        <Badge kind="step" value={step.state} />
      </div>
      <p class="muted">
        {step.id}
        {step.kind ? ` · ${step.kind}` : ''}
        {(step.requires_approval ?? !!step.approval) &&
          ` · needs ${step.approval?.count ?? 1} approval(s) by ${(step.approval?.roles ?? ['approver']).join('/')}${
            step.approval?.distinct_from_requester ? ', not the requester' : ''
          }`}
        {step.requested_by && ` · requested by ${step.requested_by} ${when(step.requested_at)}`}
      </p>
      <Preview step={step} />
      {(step.approvals ?? []).length > 0 && (
        <ul class="approvals" aria-label="Approvals">
          {(step.approvals ?? []).map((approval, i) => (
            <li key={i}>
              {approval.decision} by {approval.by} {when(approval.at)}
              {approval.reason ? ` — ${approval.reason}` : ''}
            </li>
          ))}
        </ul>
      )}
      {(step.runs ?? []).length > 0 && (
        <ul class="runs" aria-label="Runs">
          {(step.runs ?? []).map((run) => (
            <li key={run.attempt}>
              attempt {run.attempt}: {text(run.outcome)} {when(run.finished_at ?? run.started_at)}
              {run.output_excerpt && <pre>{run.output_excerpt}</pre>}
              {(run.evidence ?? []).map((hash) => (
                <code key={hash} class="evidence-ref">
                  {shortHash(hash)}
                </code>
              ))}
            </li>
          ))}
        </ul>
      )}
      {verbs.length > 0 && (
        <div class="step-actions">
          <label for={reasonId}>Reason</label>
          <input id={reasonId} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          {verbs.map((verb) => (
            <button
              key={verb}
              type="button"
              class={verb === 'deny' || verb === 'skip' ? 'secondary' : verb === 'approve' ? 'approve' : ''}
              disabled={busy !== null}
              onClick={() => act(verb)}
              data-verb={verb}
            >
              {busy === verb ? '…' : verb}
            </button>
          ))}
        </div>
      )}
      {dryRun && (
        <details open>
          <summary>Dry-run preview</summary>
          <pre>{dryRun}</pre>
        </details>
      )}
      {message && (
        <p class="error" role="alert">
          {message}
        </p>
      )}
    </li>
  );
}
