import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { adminCaller, startTestServer, type TestAccount, type TestServer } from '../support/server.ts';
import { mnaClient } from '../support/tencent-harness.ts';
import { alibabaClient } from '../support/alibaba-harness.ts';
import { iotcloudClient } from '../services/tencent/iotcloud/support.ts';

/**
 * The web console end to end in Debian's Chromium (no browser download), against a real server on
 * SQLite: what an operator does in the console, with the clouds' official SDKs acting beside it.
 * One browser for the file; the steps build on each other. A screenshot of each page lands in
 * test-artifacts/console/.
 */
const CHROMIUM = process.env.FLEETGATE_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts/console');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const MISSING_CHROMIUM = `Chromium is not installed at ${CHROMIUM}: the console's browser tests need it (apt-get install -y chromium), or set FLEETGATE_CHROMIUM to another Chromium.`;
/** A fresh machine's `npm test` passes without Chromium (skipped, saying so); CI installs it and must run these. */
const SKIP_WITHOUT_CHROMIUM = !existsSync(CHROMIUM) && !process.env.CI;
if (SKIP_WITHOUT_CHROMIUM) console.warn(`Skipping the web console's browser tests. ${MISSING_CHROMIUM}`);
/** How long the page may take to show what an action produced (the server and the browser share 2 busy cores). */
const SHOWN = { timeout: 20_000 };

describe.skipIf(SKIP_WITHOUT_CHROMIUM)('web console in Chromium (sqlite)', () => {
  let server: TestServer;
  let account: TestAccount;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const vendorName = `vendor-${Date.now().toString(36)}`;
  const sns = Array.from({ length: 300 }, (_, i) => `CONSOLE${String(i).padStart(5, '0')}`);

  const screenshot = (name: string, target: Page = page) => target.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const open = async (linkName: string) => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: linkName, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: linkName }).waitFor(SHOWN);
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${MISSING_CHROMIUM} (CI is set: the browser tests must run there)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ dialect: 'sqlite' });
    account = await server.createAccount('console-operator');
    // A fresh profile each run: Playwright takes it as the persistent context's user data dir.
    profile = mkdtempSync(join(tmpdir(), 'fleetgate-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 } });
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('a wrong secret is refused in plain words with the request id; the right key signs in on Enter; a paying sub-user is added with its secret shown once', async () => {
    await page.goto(`${server.url}/console/`);
    await page.getByLabel('SecretId or AccessKeyId').fill(account.tencent.secretId);
    await page.getByLabel('SecretKey or AccessKeySecret').fill('not-the-secret');
    await page.getByLabel('SecretKey or AccessKeySecret').press('Enter');
    const refusal = page.getByRole('alert');
    await refusal.waitFor(SHOWN);
    expect(await refusal.textContent()).toMatch(/request id \S+/);
    await screenshot('sign-in-refused');

    await page.getByLabel('SecretKey or AccessKeySecret').fill(account.tencent.secretKey);
    await page.getByLabel('SecretKey or AccessKeySecret').press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Keys & users' }).waitFor(SHOWN);
    await page.getByRole('cell', { name: account.tencent.secretId }).waitFor(SHOWN);

    // A sub-user allowed to pay, with its own key whose secret is shown once.
    await page.getByRole('region', { name: 'Sub-users' }).getByLabel('Name').fill('ops');
    await page.getByLabel('may pay').check();
    await page.getByRole('button', { name: 'Add sub-user' }).click();
    expect(await page.getByTestId('secret').textContent({ timeout: SHOWN.timeout })).toMatch(/\S{16,}/);
    await page.getByRole('cell', { name: 'may pay', exact: true }).waitFor(SHOWN);
    await screenshot('account-keys');
  });

  it('registers the account as an MNA vendor from the hardware page', async () => {
    await open('MNA hardware');
    await page.getByLabel('Vendor name').fill(vendorName);
    await page.getByRole('button', { name: 'Register vendor' }).click();
    await page.getByTestId('vendor-name').getByText(vendorName).waitFor(SHOWN);
  });

  it('uploads an SN CSV with a progress bar, then reports the rejected rows line by line', async () => {
    const csv = ['SN', ...sns, sns[0]].join('\n');
    await page.getByLabel(/CSV file/).setInputFiles({ name: 'sns.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.locator('progress').first().waitFor(SHOWN);
    const summary = page.getByTestId('import-summary');
    await summary.waitFor(SHOWN);
    expect(await summary.textContent()).toMatch(/finished: 300 valid, 300 added, 1 rejected/);
    await page.getByRole('table', { name: 'Rejected rows' }).getByRole('cell', { name: sns[0], exact: true }).waitFor(SHOWN);
    await screenshot('mna-hardware-import');

    await page.getByRole('search', { name: 'Search Hardware' }).getByLabel('SN').fill('CONSOLE00299');
    await page.getByRole('search', { name: 'Search Hardware' }).getByLabel('SN').press('Enter');
    await page.getByRole('cell', { name: 'CONSOLE00299' }).waitFor(SHOWN);
  });

  it('hardware activated through the Tencent SDK appears on the devices page and as activated hardware', async () => {
    const client = mnaClient(server, account);
    const { HardwareInfo } = await client.ActivateHardware({ Hardware: [{ Vendor: vendorName, SN: sns[1]!, DeviceName: 'console-device-1' }] });
    const deviceId = HardwareInfo![0]!.DeviceId!;

    await open('MNA devices');
    await page.getByRole('cell', { name: deviceId }).waitFor(SHOWN);
    await screenshot('mna-devices');

    await open('MNA hardware');
    await page.getByRole('search', { name: 'Search Hardware' }).getByLabel('Status').selectOption('2');
    await page.getByRole('cell', { name: sns[1]! }).waitFor(SHOWN);
    expect(await page.getByRole('img', { name: /Hardware activated: 1 in/ }).count()).toBe(1);
    await screenshot('mna-hardware-activated');
  });

  it('a license bought with OrderPerLicense after an admin credit shows on the licenses page and in the ledger', async () => {
    const credited = await adminCaller(server)('POST', `/accounts/${account.id}/credits`, { amount: 100_000, note: 'console test funds' });
    expect(credited.status).toBe(201);
    const client = mnaClient(server, account);
    const { DeviceInfos } = await client.GetDevices({ PageNumber: -1, PageSize: -1 });
    const { ResourceId } = await client.OrderPerLicense({ DeviceId: DeviceInfos![0]!.DeviceId!, Type: 0 });

    await open('Licenses & traffic');
    await page.getByRole('cell', { name: ResourceId! }).waitFor(SHOWN);
    await screenshot('mna-licenses');

    await open('Balance & ledger');
    await page.getByRole('table', { name: /Ledger entries/ }).getByRole('cell', { name: 'OrderPerLicense' }).waitFor(SHOWN);
    await page.getByLabel('Kind').selectOption('credit');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('cell', { name: 'console test funds' }).waitFor(SHOWN);
    await screenshot('billing-ledger');
  });

  it('an Alibaba batch import started through the SDK is followed to its end, with its valid rows', async () => {
    const alibaba = alibabaClient('iot20180120 ACS3', server, account);
    const { ProductKey: productKey } = await alibaba.call('CreateProduct', { ProductName: 'console_product', NodeType: 0 });
    const rows = Array.from({ length: 200 }, (_, i) => ({ DeviceName: `console-${i}`, DeviceSecret: `secret-${i}`, Sn: `SN_${i}` }));
    await alibaba.call('BatchImportDevice', { ProductKey: productKey, DeviceList: rows });

    await open('IoT Platform');
    await page.locator('[data-testid="iot-job"][data-status="CREATE_SUCCESS"]').getByText('Rows processed: 200 of 200').waitFor(SHOWN);
    await page.getByRole('button', { name: 'Valid and invalid rows' }).first().click();
    await page.getByRole('table', { name: 'Valid rows' }).getByRole('cell', { name: 'console-0', exact: true }).waitFor(SHOWN);

    const dynamicRegistration = page.getByRole('switch', { name: 'Dynamic registration of console_product' });
    const before = await dynamicRegistration.getAttribute('aria-checked');
    await dynamicRegistration.click();
    await page.getByRole('switch', { name: 'Dynamic registration of console_product', checked: before !== 'true' }).waitFor(SHOWN);
    await screenshot('iot-platform');
  });

  it('an IoT Hub product\'s dynamic registration changed through the SDK shows with its quota, changes from the console, and the ProductSecret shows on demand', async () => {
    const hub = iotcloudClient(server, account);
    const { ProductId } = await hub.CreateProduct({ ProductName: 'console_hub', ProductProperties: { EncryptionType: '2', ProductType: 0 } });
    await hub.UpdateProductDynamicRegister({ ProductId: ProductId!, RegisterType: 2, RegisterLimit: 25 });
    await open('IoT Hub');
    const products = page.getByRole('table', { name: 'IoT Hub products' });
    await products.getByRole('cell', { name: 'creates devices' }).waitFor(SHOWN);
    await products.getByTestId('quota').getByText('0 / 25').waitFor(SHOWN);
    await page.getByRole('button', { name: 'Open console_hub' }).click();
    await page.getByRole('button', { name: 'Reveal ProductSecret' }).click();
    expect(await page.getByTestId('product-secret').textContent()).toMatch(/\S{8,}/);
    const settings = page.getByRole('form', { name: 'Dynamic registration' });
    await settings.getByLabel('RegisterLimit').fill('40');
    await settings.getByRole('button', { name: 'Save' }).click();
    await page.getByText('0 / 40').first().waitFor(SHOWN);
    const described = await hub.DescribeProduct({ ProductId: ProductId! });
    expect(described.ProductProperties?.RegisterLimit).toBe(40);
    await screenshot('iothub');
  });

  it('a narrow window shows the pages as one column, still usable', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open('MNA devices');
    await page.getByRole('cell', { name: 'console-device-1' }).waitFor(SHOWN);
    await screenshot('narrow-mna-devices');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('the admin token signs in to every account, the vendors and the live API calls of the emulator', async () => {
    const admin = await context.newPage();
    await admin.goto(`${server.url}/console/`);
    await admin.getByLabel('the admin token').check();
    await admin.getByLabel('Admin token', { exact: true }).fill(server.adminToken);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByRole('link', { name: 'console-operator' }).waitFor(SHOWN);
    await screenshot('admin-accounts', admin);

    await admin.getByRole('link', { name: 'Vendors', exact: true }).click();
    await admin.getByRole('cell', { name: vendorName }).waitFor(SHOWN);
    await screenshot('admin-vendors', admin);

    await admin.getByRole('link', { name: 'Emulator', exact: true }).click();
    await admin.getByRole('cell', { name: /ActivateHardware/ }).first().waitFor(SHOWN);
    // A call made while the page is open arrives over the live stream.
    await mnaClient(server, account).GetGroupList({ PageNumber: 1, PageSize: 10 });
    await admin.getByRole('cell', { name: /GetGroupList/ }).first().waitFor(SHOWN);
    await screenshot('admin-emulator', admin);
    await admin.close();
  });
});
