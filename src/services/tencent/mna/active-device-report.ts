import type { ActionContext } from '../../action-context.ts';
import type { AppContext } from '../../../core/app-context.ts';
import { DownloadRefusal, type DownloadRoute } from '../../download-route.ts';
import type { LicenseType } from './licensing.ts';
import type { Period } from './active-devices.ts';
import { activeDeviceCounts, type ActiveDeviceQuery } from './active-device-query.ts';

/** Where DownloadActiveDeviceCount's files are served. */
export const REPORT_PATH = '/downloads/mna/active-device-count.csv';

/** How long a FilePath link works. */
export const REPORT_LINK_TTL_MS = 3600_000;

/** Associated data of the sealed token: a value sealed for anything else does not open as one. */
const TOKEN_PURPOSE = 'mna.active-device-report';

/** What a link's token holds: the account, the checked query, when it was asked (the figures are as of then) and until when the link works. */
interface ReportToken {
  readonly account: string;
  readonly period: Period;
  readonly from: number;
  readonly to: number;
  readonly groupId?: string;
  readonly licenseType?: LicenseType;
  readonly asOf: number;
  readonly expires: number;
}

/**
 * The FilePath of a query asked at `now`: the report path with a token sealed under the master
 * key, so it cannot be forged or altered, and carries no readable account or group.
 */
export function reportLink(ctx: ActionContext, query: ActiveDeviceQuery, now: number): string {
  const token: ReportToken = {
    account: ctx.accountId,
    period: query.period,
    from: query.from,
    to: query.to,
    groupId: query.groupId,
    licenseType: query.licenseType,
    asOf: now,
    expires: now + REPORT_LINK_TTL_MS,
  };
  return `${ctx.origin ?? ''}${REPORT_PATH}?token=${ctx.secrets.seal(JSON.stringify(token), TOKEN_PURPOSE)}`;
}

/** The CSV a link serves: a header, then one `Time,Count` row per period. */
export const activeDeviceReportRoute: DownloadRoute = {
  path: REPORT_PATH,
  async serve(app: AppContext, sealed: string) {
    let token: ReportToken;
    try {
      token = JSON.parse(app.secrets.open(sealed, TOKEN_PURPOSE)) as ReportToken;
    } catch {
      throw new DownloadRefusal('InvalidToken', 'the link is not one Fleetgate issued');
    }
    if (app.now() > token.expires) throw new DownloadRefusal('ExpiredToken', 'the link has expired: call DownloadActiveDeviceCount again');
    const query: ActiveDeviceQuery = { ...token, devGroup: '' };
    const counts = await activeDeviceCounts(app.store.db, token.account, query, token.asOf);
    return {
      contentType: 'text/csv; charset=utf-8',
      fileName: 'active-device-count.csv',
      body: ['Time,Count', ...counts.map((c) => `${c.Time},${c.Count}`)].join('\r\n') + '\r\n',
    };
  },
};
