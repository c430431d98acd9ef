import { useEffect, useRef, useState } from 'preact/hooks';
import { sessionEndedEvent, whoAmI } from './api';

// LiveEvent is one change pushed by GET /api/v1/stream: an incident lifecycle event
// (source 'incident') or an audit record about an incident (source 'audit': step transitions,
// approvals, evidence, pages, notifications). Either way it only says what changed; pages re-read.
export interface LiveEvent {
  source: 'incident' | 'audit';
  incident: string;
  time: number;
  // incident events
  event_id?: number;
  kind?: string;
  actor?: string;
  state?: string;
  // audit records
  seq?: number;
  action?: string;
  subject?: string;
}

type Listener = (event: LiveEvent | 'resync') => void;
const listeners = new Set<Listener>();
let source: EventSource | null = null;
const statusListeners = new Set<(connected: boolean) => void>();
let connected = false;

function setConnected(value: boolean) {
  connected = value;
  statusListeners.forEach((listener) => listener(value));
}

// One EventSource per tab, shared by every page; the browser reconnects with Last-Event-ID.
export function startLive(): void {
  if (source) return;
  source = new EventSource('/api/v1/stream');
  source.onopen = () => setConnected(true);
  source.onerror = () => {
    setConnected(false);
    // The browser retries by itself unless the server refused the stream (e.g. 401 after the
    // token was revoked): then ask who we are, which ends the session in the app if it is gone.
    if (source?.readyState === EventSource.CLOSED) {
      source = null;
      whoAmI().then(
        (me) => {
          if (me) window.setTimeout(startLive, 2000);
          else window.dispatchEvent(new Event(sessionEndedEvent));
        },
        () => window.setTimeout(startLive, 5000),
      );
    }
  };
  for (const kind of ['incident', 'audit'] as const) {
    source.addEventListener(kind, (message) => {
      try {
        const event = { ...JSON.parse((message as MessageEvent<string>).data), source: kind } as LiveEvent;
        listeners.forEach((listener) => listener(event));
      } catch {
        /* a malformed frame is ignored; the next event or a resync brings the page up to date */
      }
    });
  }
  source.addEventListener('resync', () => listeners.forEach((listener) => listener('resync')));
}

export function stopLive(): void {
  source?.close();
  source = null;
  setConnected(false);
}

// useLive calls `onEvent` for every pushed event while the component is mounted.
export function useLive(onEvent: Listener): void {
  const latest = useRef(onEvent);
  latest.current = onEvent;
  useEffect(() => {
    const listener: Listener = (event) => latest.current(event);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
}

export function useLiveStatus(): boolean {
  const [value, setValue] = useState(connected);
  useEffect(() => {
    statusListeners.add(setValue);
    return () => {
      statusListeners.delete(setValue);
    };
  }, []);
  return value;
}

