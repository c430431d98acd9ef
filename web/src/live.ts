import { useEffect, useRef, useState } from 'preact/hooks';

// LiveEvent is one incident event pushed by GET /api/v1/stream.
export interface LiveEvent {
  event_id: number;
  incident: string;
  kind: string;
  actor: string;
  state: string;
  time: number;
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
  source.onerror = () => setConnected(false);
  source.addEventListener('incident', (message) => {
    try {
      const event = JSON.parse((message as MessageEvent<string>).data) as LiveEvent;
      listeners.forEach((listener) => listener(event));
    } catch {
      /* a malformed frame is ignored; the next event or a resync brings the page up to date */
    }
  });
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

