/**
 * The three time renderings IoT Platform responses use (reference/alibaba/api-summary.json).
 */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

// Alibaba renders "Gmt" wall-clock strings in China Standard Time: the QueryDeviceDetail sample
// pairs GmtCreate "2018-08-06 10:48:41" with UtcCreate "2018-08-06T02:48:41.000Z".
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/** QueryDeviceDetail Gmt*: `yyyy-MM-dd HH:mm:ss` at UTC+8. */
export function chinaWallClock(ms: number): string {
  const d = new Date(ms + CHINA_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Utc* fields: ISO 8601 with milliseconds, e.g. `2018-08-06T02:48:41.000Z`. */
export const utcIso = (ms: number): string => new Date(ms).toISOString();

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** QueryDevice GmtCreate/GmtModified: `Wed, 20-Feb-2019 02:16:09 GMT`. */
export function cookieDate(ms: number): string {
  const d = new Date(ms);
  const date = `${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]}, ${date} ${time} GMT`;
}
