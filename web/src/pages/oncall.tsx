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

const dayMs = 24 * 3600 * 1000;

function hourMinute(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

// ScheduleCalendar shows one schedule's coming week as a calendar: a column per day listing who
// holds the pager and from when to when that day (the server resolves layers and overrides).
function ScheduleCalendar(props: { id: string }) {
  const shifts = useResource<unknown>(`/api/v1/schedules/${encodeURIComponent(props.id)}/shifts`);
  return (
    <Show resource={shifts} what="Shifts">
      {(data) => {
        const rows = list(data, 'shifts')
          .map((shift) => ({
            start: Date.parse(text(shift.start ?? shift.starts_at)),
            end: Date.parse(text(shift.end ?? shift.ends_at)),
            who: person(shift.user ?? shift.users ?? shift.who),
          }))
          .filter((shift) => !Number.isNaN(shift.start) && !Number.isNaN(shift.end));
        if (rows.length === 0) return <p class="muted">Nobody scheduled in the coming week.</p>;
        const from = new Date(Date.parse(text((data as Json).from)) || rows[0].start);
        from.setHours(0, 0, 0, 0);
        const days = Array.from({ length: 7 }, (_, i) => from.getTime() + i * dayMs);
        return (
          <ol class="calendar" aria-label={`Coming week of ${props.id}`}>
            {days.map((day) => {
              const inDay = rows.filter((shift) => shift.start < day + dayMs && shift.end > day);
              return (
                <li key={day} class="calendar-day">
                  <strong>{new Date(day).toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' })}</strong>
                  {inDay.length === 0 ? (
                    <span class="muted">nobody</span>
                  ) : (
                    <ul>
                      {inDay.map((shift, i) => (
                        <li key={i}>
                          <span class="who">{shift.who}</span>{' '}
                          <small class="muted">
                            {shift.start > day ? hourMinute(shift.start) : '00:00'}–{shift.end < day + dayMs ? hourMinute(shift.end) : '24:00'}
                          </small>
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              );
            })}
          </ol>
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
                      <ScheduleCalendar id={id} />
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
