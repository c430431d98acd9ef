import { useState } from 'preact/hooks';
import { type Me, errorText, login } from '../api';

// LoginPage exchanges an API token for a session cookie; the token is sent once and forgotten.
export function LoginPage(props: { onLogin: (me: Me) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await login(token.trim());
      setToken('');
      props.onLogin(me);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="login">
      <h1 tabIndex={-1}>vakt incident room</h1>
      <form onSubmit={submit} class="card">
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          required
          value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
          aria-describedby="token-help"
        />
        <p id="token-help" class="muted">
          Paste your vakt API token (first start: <code>var/admin.token</code>). It opens a session cookie and is not
          kept in the browser.
        </p>
        {error && (
          <p class="error" role="alert" data-testid="login-error">
            Login failed: {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
