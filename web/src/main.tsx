import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type Me, errorText, logout, sessionEndedEvent, whoAmI } from './api';
import { startLive, stopLive, useLiveStatus } from './live';
import { onLinkClick, usePath } from './router';
import { LoginPage } from './pages/login';
import { IncidentListPage } from './pages/incident_list';
import { IncidentPage } from './pages/incident_page';
import { OnCallPage } from './pages/oncall';
import { RunbooksPage } from './pages/runbooks';
import { PipelinesPage } from './pages/pipelines';
import './style.css';

const navItems: [string, string][] = [
  ['/', 'Incidents'],
  ['/oncall', 'On-call'],
  ['/runbooks', 'Runbooks'],
  ['/pipelines', 'Pipelines'],
];

function Page(props: { path: string; me: Me }) {
  const match = props.path.match(/^\/incidents\/(INC-\d+)$/);
  if (match) return <IncidentPage id={match[1]} me={props.me} />;
  switch (props.path) {
    case '/':
    case '/incidents':
      return <IncidentListPage me={props.me} />;
    case '/oncall':
      return <OnCallPage />;
    case '/runbooks':
      return <RunbooksPage />;
    case '/pipelines':
      return <PipelinesPage />;
    default:
      return (
        <main id="main" class="page">
          <h1>Not found</h1>
          <p>
            There is no page at this address. <a href="/">Back to incidents</a>
          </p>
        </main>
      );
  }
}

function App() {
  const path = usePath();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const live = useLiveStatus();

  useEffect(() => {
    whoAmI().then(setMe, (e) => setError(errorText(e)));
    const ended = () => setMe(null);
    window.addEventListener(sessionEndedEvent, ended);
    return () => window.removeEventListener(sessionEndedEvent, ended);
  }, []);
  useEffect(() => {
    if (me) startLive();
    else stopLive();
  }, [me]);
  useEffect(() => {
    // Move focus to the new page's heading so keyboard and screen-reader users follow navigation.
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [path]);

  if (error) return <p class="error" role="alert">Cannot reach vakt: {error}</p>;
  if (me === undefined) return <p class="muted">Loading…</p>;
  if (me === null) return <LoginPage onLogin={setMe} />;

  return (
    <div onClick={onLinkClick}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href="/">
          vakt
        </a>
        <nav aria-label="Main">
          <ul>
            {navItems.map(([href, label]) => (
              <li key={href}>
                <a href={href} aria-current={path === href || (href === '/' && path.startsWith('/incidents')) ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span class={live ? 'live on' : 'live off'} title={live ? 'Live updates connected' : 'Live updates reconnecting'}>
            {live ? '● live' : '○ offline'}
          </span>
          <span data-testid="whoami">
            {me.name} <small>({me.role})</small>
          </span>
          <button
            type="button"
            class="secondary"
            onClick={() => logout().finally(() => setMe(null))}
          >
            Log out
          </button>
        </div>
      </header>
      <Page path={path} me={me} />
    </div>
  );
}

render(<App />, document.getElementById('app')!);
