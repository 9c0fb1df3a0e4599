import type { TestServer } from '../support/server.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are asserted field by field
export type Json = any;

/** A caller of the console API with a session token (none: anonymous). */
export function consoleCaller(server: Pick<TestServer, 'url'>, token?: string) {
  return async (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: Json; headers: Headers }> => {
    const response = await fetch(`${server.url}/console/api/v1${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': contentType }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    const isJson = response.headers.get('content-type')?.startsWith('application/json');
    return { status: response.status, body: isJson ? JSON.parse(text) : text, headers: response.headers };
  };
}

/** Signs in to the console (admin token or an API key pair) and answers the session token. */
export async function signIn(server: Pick<TestServer, 'url'>, credentials: Record<string, string>): Promise<string> {
  const answer = await consoleCaller(server)('POST', '/session', credentials);
  if (answer.status !== 201) throw new Error(`sign-in failed: ${JSON.stringify(answer.body)}`);
  return answer.body.token as string;
}

/** Polls until `done` holds for the answer of `read` (the import runs in the background). */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
