/** One bulk CSV import and its committed progress (migration 0016). Times are epoch milliseconds. */
export interface CsvImportRow {
  import_id: string;
  account_id: string;
  /** Which import: 'mna-hardware' or 'iot-devices' (an ImportTarget's kind). */
  kind: string;
  /** The target within the account: the ProductKey of a device import, '' for hardware. */
  target: string;
  /** The CSV file's absolute path; an interrupted import of the same file resumes. */
  source: string;
  status: CsvImportStatus;
  /** Data records consumed (header excluded) by committed batches. */
  rows_read: number;
  rows_valid: number;
  rows_rejected: number;
  rows_written: number;
  /** Length of the report file as of the last committed batch: a resume cuts it back to this. */
  report_bytes: number;
  /** Why a failed import stopped, e.g. the line of a quoting error. */
  failure: string | null;
  created_at: number;
  updated_at: number;
}

export type CsvImportStatus = 'running' | 'finished' | 'failed';

declare module '../storage/schema.ts' {
  interface Database {
    csv_imports: CsvImportRow;
  }
}
