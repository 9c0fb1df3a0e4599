import { afterAll, beforeAll } from 'vitest';
import { startTestServer, type TestAccount, type TestServer } from './server.ts';

/** A SQLite server with one account, started before the file's tests and closed after them; read its fields inside tests. */
export function serverWithAccount(): { server: TestServer; account: TestAccount } {
  const fixture = {} as { server: TestServer; account: TestAccount };
  beforeAll(async () => {
    fixture.server = await startTestServer({ dialect: 'sqlite' });
    fixture.account = await fixture.server.createAccount();
  });
  afterAll(() => fixture.server?.close());
  return fixture;
}

/** The server's fleetgate_api_requests_total for one action and answer code (0 before the first). */
export async function apiRequestCount(server: Pick<TestServer, 'url'>, action: string, code: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('fleetgate_api_requests_total{') && l.includes(`action="${action}"`) && l.includes(`code="${code}"`));
  return Number(line?.split(' ').pop() ?? 0);
}
