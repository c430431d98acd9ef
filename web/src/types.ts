// Shapes of the vakt REST API the console reads (api/openapi.yaml). Fields the server may not
// send yet are optional.

export interface Incident {
  id: string;
  number: number;
  version: number;
  title: string;
  severity: string;
  state: string;
  pipeline: string;
  assignee: string;
  runbook: { id: string; version: string; content_hash: string };
  group_labels: Record<string, string>;
  created_at: string;
  updated_at: string;
  acknowledged_at: string | null;
  mitigated_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  drill?: boolean;
  context?: Record<string, unknown>;
  alerts?: AlertSummary[];
  regulatory_deadlines?: Deadline[];
  deadlines?: Deadline[];
}

export interface Deadline {
  regime?: string;
  obligation?: string;
  state?: string;
  name?: string;
  kind?: string;
  due_at?: string;
  deadline?: string;
}

export interface AlertSummary {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  starts_at: string;
  ends_at: string;
  state: string;
  source: string;
}

export interface IncidentEvent {
  id: number;
  time: string;
  actor: string;
  kind: string;
  from_state: string;
  to_state: string;
  reason: string;
  details: unknown;
}

export interface Approval {
  by: string;
  at: string;
  decision: string;
  reason?: string;
}

export interface StepRun {
  attempt: number;
  started_at?: string;
  finished_at?: string;
  outcome?: string;
  output_excerpt?: string;
  evidence?: string[];
}

export interface Step {
  id: string;
  title: string;
  risk: string;
  kind?: string;
  state: string;
  section?: string;
  requires_approval?: boolean;
  approval?: { roles?: string[]; count?: number; distinct_from_requester?: boolean; expires_at?: string } | null;
  approvals?: Approval[];
  content_hash?: string;
  preview?: unknown;
  requested_by?: string;
  requested_at?: string;
  runs?: StepRun[];
}
