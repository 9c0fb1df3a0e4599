import { pageAt, type PageWindow } from '../../storage/query-helpers.ts';
import { assertValid, invalidValue } from './params-rules.ts';

/** Tencent's PageNumber/PageSize paging: pages from 1, or every row when both are -1. */
export function pageWindow(pageNumber: number, pageSize: number): PageWindow {
  if (pageNumber === -1 && pageSize === -1) return 'all';
  assertValid(
    pageNumber >= 1 ? undefined : invalidValue('PageNumber', 'it must be at least 1, or -1 together with PageSize -1'),
    pageSize >= 1 ? undefined : invalidValue('PageSize', 'it must be at least 1, or -1 together with PageNumber -1'),
  );
  const window = pageAt(pageNumber, pageSize);
  assertValid(Number.isSafeInteger(window.offset) ? undefined : invalidValue('PageNumber', 'the page lies beyond any possible row'));
  return window;
}

export function totalPages(total: number, window: PageWindow): number {
  if (window === 'all') return total > 0 ? 1 : 0;
  return Math.ceil(total / window.limit);
}
