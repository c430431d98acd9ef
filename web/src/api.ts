// The console's only door to the server: same-origin fetch with the session cookie. The CSRF
// token lives in memory only (re-read from GET /api/v1/session after a reload), never in storage.

export type Role = 'viewer' | 'responder' | 'approver' | 'admin';
const roleRank: Record<Role, number> = { viewer: 0, responder: 1, approver: 2, admin: 3 };

export interface Me {
  name: string;
  role: Role;
  csrf_token: string;
}

let csrfToken = '';

// sessionEndedEvent is dispatched on window when the server no longer accepts the session.
export const sessionEndedEvent = 'vakt:session-ended';

export function roleAtLeast(me: Me | null, needed: Role): boolean {
  return !!me && roleRank[me.role] >= roleRank[needed];
}

// ApiError carries the problem+json detail so pages can show what the server said.
export class ApiError extends Error {
  constructor(
    public status: number,
    message: string,
  ) {
    super(message);
  }
  // notAvailable: the endpoint does not exist on this server (yet). The server answers an unknown
  // route with 404 "no such resource"; a known route's 404 names what is missing instead.
  get notAvailable(): boolean {
    return (this.status === 404 && this.message === 'no such resource') || this.status === 405 || this.status === 501;
  }
  // missing: the endpoint exists but has nothing for this subject yet (e.g. no diagnosis).
  get missing(): boolean {
    return this.status === 404 && !this.notAvailable;
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (response.status === 401 && path !== '/api/v1/session') {
    // The session ended under us (expired, logged out elsewhere, token revoked): back to login.
    window.dispatchEvent(new Event(sessionEndedEvent));
  }
  if (!response.ok) {
    const problem = parsed as { detail?: string; title?: string } | null;
    throw new ApiError(response.status, problem?.detail || problem?.title || `HTTP ${response.status}`);
  }
  return parsed as T;
}

export const get = <T>(path: string) => call<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => call<T>('POST', path, body);

// A resource that may not exist yet on this server: null when the endpoint is missing.
export async function getOptional<T>(path: string): Promise<T | null> {
  try {
    return await get<T>(path);
  } catch (error) {
    if (error instanceof ApiError && error.notAvailable) return null;
    throw error;
  }
}

export async function login(token: string): Promise<Me> {
  const me = await call<Me>('POST', '/api/v1/session', { token });
  csrfToken = me.csrf_token;
  return me;
}

export async function whoAmI(): Promise<Me | null> {
  try {
    const me = await get<Me>('/api/v1/session');
    csrfToken = me.csrf_token;
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function logout(): Promise<void> {
  await call<void>('DELETE', '/api/v1/session');
  csrfToken = '';
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
