// Small display helpers. Nothing here builds HTML: Preact escapes every string it renders.

export function age(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const ms = now - Date.parse(iso);
  if (Number.isNaN(ms)) return '—';
  return duration(ms);
}

// duration renders a span of time compactly: 45s, 12m, 3h 5m, 2d.
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d`;
}

export function when(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}

// safeHref keeps only http(s) links: link URLs are rendered from alert labels, so a
// "javascript:" URL must never become clickable.
export function safeHref(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const parsed = new URL(url, window.location.origin);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

export function text(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function shortHash(hash: unknown): string {
  return typeof hash === 'string' && hash.length > 16 ? `${hash.slice(0, 12)}…` : text(hash);
}

// deadlineLabel turns ("dora", "dora_initial_notification") into "DORA initial notification".
export function deadlineLabel(regime: unknown, obligation: unknown): string {
  const r = typeof regime === 'string' ? regime : '';
  const o = typeof obligation === 'string' ? obligation : '';
  const what = (r && o.startsWith(`${r}_`) ? o.slice(r.length + 1) : o).replace(/_/g, ' ');
  return `${r.replace(/_/g, ' ').toUpperCase()} ${what}`.trim();
}
