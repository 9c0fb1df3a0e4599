/** The console API (src/console/API.md) as the pages call it: bearer token, JSON, errors with their request id. */

export const API_BASE = '/console/api/v1';

export interface Session {
  readonly token: string;
  readonly role: 'admin' | 'account';
  readonly accountId: string | null;
  readonly userId: string | null;
  readonly expiresAt: number;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
  readonly total?: number;
}

/** What went wrong, in the words the server used, with the request id to quote to an operator. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
  ) {
    super(message);
  }
}

const SESSION_KEY = 'fleetgate.console.session';

export function storedSession(): Session | null {
  const raw = sessionStorage.getItem(SESSION_KEY);
  if (raw === null) return null;
  const session = JSON.parse(raw) as Session;
  return session.expiresAt > Date.now() ? session : null;
}

export function storeSession(session: Session | null): void {
  if (session === null) sessionStorage.removeItem(SESSION_KEY);
  else sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

type Query = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** The path with the query's set values (empty strings and nulls left out). */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  const search = params.toString();
  return search === '' ? path : `${path}?${search}`;
}

export interface RequestOptions {
  readonly method?: string;
  readonly query?: Query;
  /** Sent as JSON unless it is a string, which is sent as it is with `contentType`. */
  readonly body?: unknown;
  readonly contentType?: string;
}

/** Called when the server says the session is over, so the app can return to sign-in. */
let onSessionLost: () => void = () => {};
export function whenSessionLost(handler: () => void): void {
  onSessionLost = handler;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const session = storedSession();
  const headers: Record<string, string> = {};
  if (session) headers.authorization = `Bearer ${session.token}`;
  let body: string | undefined;
  if (typeof options.body === 'string') {
    body = options.body;
    headers['content-type'] = options.contentType ?? 'text/plain';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(API_BASE + withQuery(path, options.query), { method: options.method ?? 'GET', headers, body });
  } catch {
    throw new ApiError(0, 'NetworkError', 'Fleetgate could not be reached: check that the server is running and the network is up.', null);
  }
  const requestId = response.headers.get('x-request-id');
  const text = await response.text();
  if (!response.ok) {
    const error = parseError(text);
    if (session && response.status === 401) onSessionLost();
    throw new ApiError(response.status, error?.code ?? `Http${response.status}`, error?.message ?? describeStatus(response.status, text), error?.requestId ?? requestId);
  }
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

function parseError(text: string): { code?: string; message?: string; requestId?: string } | undefined {
  try {
    return (JSON.parse(text) as { error?: { code?: string; message?: string; requestId?: string } }).error;
  } catch {
    return undefined;
  }
}

function describeStatus(status: number, text: string): string {
  if (status === 404) return 'This part of the console API is not available on this server (is Fleetgate up to date?).';
  if (status >= 500) return `The server failed to answer (HTTP ${status}).`;
  return text.slice(0, 200) || `HTTP ${status}`;
}

/** The URL of the live calls stream: EventSource cannot send headers, so the token rides in the query. */
export function streamUrl(path: string): string {
  return API_BASE + withQuery(path, { access_token: storedSession()?.token });
}

/** Fetches a file with the session's token and hands it to the browser as a download. */
export async function download(path: string, query: Query, fileName: string): Promise<void> {
  const session = storedSession();
  const response = await fetch(API_BASE + withQuery(path, query), { headers: session ? { authorization: `Bearer ${session.token}` } : {} });
  if (!response.ok) {
    const error = parseError(await response.text());
    throw new ApiError(response.status, error?.code ?? `Http${response.status}`, error?.message ?? describeStatus(response.status, ''), error?.requestId ?? response.headers.get('x-request-id'));
  }
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** POSTs a body with upload progress (fetch reports none), answering the JSON like `api`. */
export function upload<T>(path: string, query: Query, body: Blob, contentType: string, onProgress: (sent: number, total: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', API_BASE + withQuery(path, query));
    const session = storedSession();
    if (session) request.setRequestHeader('authorization', `Bearer ${session.token}`);
    request.setRequestHeader('content-type', contentType);
    request.upload.onprogress = (event) => onProgress(event.loaded, event.total || body.size);
    request.onerror = () => reject(new ApiError(0, 'NetworkError', 'The upload was cut off: Fleetgate could not be reached.', null));
    request.onload = () => {
      const requestId = request.getResponseHeader('x-request-id');
      if (request.status >= 200 && request.status < 300) return resolve(JSON.parse(request.responseText) as T);
      const error = parseError(request.responseText);
      reject(new ApiError(request.status, error?.code ?? `Http${request.status}`, error?.message ?? describeStatus(request.status, request.responseText), error?.requestId ?? requestId));
    };
    request.send(body);
  });
}

/** Parses the small CSV files the API answers (reports): no quoted newlines in them. */
export function parseCsv(text: string): string[][] {
  return text
    .split(/\r?\n/)
    .filter((line) => line !== '')
    .map((line) => [...line.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((match) => match[1]!.replace(/^"|"$/g, '').replace(/""/g, '"')));
}

export async function apiText(path: string, query: Query = {}): Promise<string> {
  const session = storedSession();
  const response = await fetch(API_BASE + withQuery(path, query), { headers: session ? { authorization: `Bearer ${session.token}` } : {} });
  const text = await response.text();
  if (!response.ok) {
    const error = parseError(text);
    throw new ApiError(response.status, error?.code ?? `Http${response.status}`, error?.message ?? describeStatus(response.status, text), error?.requestId ?? response.headers.get('x-request-id'));
  }
  return text;
}
