import { KeyValues, Section, Show, useResource } from '../components/load';
import { text, when } from '../format';

type Json = Record<string, unknown>;

function list(value: unknown, key: string): Json[] {
  if (Array.isArray(value)) return value as Json[];
  const inner = value && typeof value === 'object' ? (value as Json)[key] : undefined;
  return Array.isArray(inner) ? (inner as Json[]) : [];
}

function person(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? 'nobody' : value.map(person).join(', ');
  if (value && typeof value === 'object') {
    const v = value as Json;
    return text(v.name ?? v.user ?? v.id);
  }
  return text(value);
}

// Shifts of one schedule over the coming days, grouped by day: a small readable calendar.
function ScheduleShifts(props: { id: string }) {
  const shifts = useResource<unknown>(`/api/v1/schedules/${encodeURIComponent(props.id)}/shifts`);
  return (
    <Show resource={shifts} what="Shifts">
      {(data) => {
        const rows = list(data, 'shifts');
        if (rows.length === 0) return <p class="muted">No shifts in range.</p>;
        return (
          <table class="shifts">
            <thead>
              <tr>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Who</th>
              </tr>
            </thead>
            <tbody>
              {rows.slice(0, 28).map((shift, i) => (
                <tr key={i}>
                  <td>{when((shift.start ?? shift.starts_at ?? shift.from) as string)}</td>
                  <td>{when((shift.end ?? shift.ends_at ?? shift.to) as string)}</td>
                  <td>{person(shift.user ?? shift.who ?? shift.person)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        );
      }}
    </Show>
  );
}

export function OnCallPage() {
  const now = useResource<unknown>('/api/v1/oncall/now');
  const schedules = useResource<unknown>('/api/v1/schedules');
  const policies = useResource<unknown>('/api/v1/escalation-policies');
  return (
    <main id="main" class="page">
      <h1 tabIndex={-1}>On-call</h1>
      <Section id="now" title="On call now and next">
        <Show resource={now} what="Who is on call">
          {(data) => {
            const rows = list(data, 'oncall').length ? list(data, 'oncall') : list(data, 'schedules');
            if (rows.length === 0) return <p class="muted">Nobody is on call.</p>;
            return (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Schedule</th>
                    <th scope="col">Now</th>
                    <th scope="col">Hand-off</th>
                    <th scope="col">Then</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row, i) => (
                    <tr key={i}>
                      <td>{text(row.name ?? row.schedule ?? row.id)}</td>
                      <td data-testid="oncall-now">{person(row.on_call ?? row.now ?? row.user)}</td>
                      <td>{when(((row.next as Json | null)?.at ?? row.until ?? row.ends_at) as string)}</td>
                      <td>{person((row.next as Json | null)?.users ?? row.next)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            );
          }}
        </Show>
      </Section>
      <Section id="schedules" title="Schedules">
        <Show resource={schedules} what="Schedules">
          {(data) => {
            const rows = list(data, 'schedules');
            if (rows.length === 0) return <p class="muted">No schedules configured.</p>;
            return (
              <>
                {rows.map((schedule) => {
                  const id = text(schedule.id);
                  return (
                    <article key={id} class="schedule">
                      <h3>
                        {text(schedule.name ?? schedule.title ?? id)} <small class="muted">{text(schedule.time_zone ?? schedule.timezone)}</small>
                      </h3>
                      <ScheduleShifts id={id} />
                    </article>
                  );
                })}
              </>
            );
          }}
        </Show>
      </Section>
      <Section id="policies" title="Escalation policies">
        <Show resource={policies} what="Escalation policies">
          {(data) => {
            const rows = list(data, 'policies').length ? list(data, 'policies') : list(data, 'escalation_policies');
            if (rows.length === 0) return <p class="muted">No escalation policies.</p>;
            return (
              <>
                {rows.map((policy, i) => (
                  <article key={i}>
                    <h3>{text(policy.name ?? policy.id)}</h3>
                    <ol>
                      {list(policy, 'levels').concat(list(policy, 'rules')).map((level, j) => (
                        <li key={j}>
                          after {text(level.after ?? level.delay ?? level.after_minutes)}:{' '}
                          {list(level, 'targets').map((t) => person(t)).join(', ') || text(level.targets ?? level.target)}
                        </li>
                      ))}
                    </ol>
                    <KeyValues rows={[['Repeat', text(policy.repeat)]]} />
                  </article>
                ))}
              </>
            );
          }}
        </Show>
      </Section>
    </main>
  );
}
