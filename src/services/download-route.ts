import type { AppContext } from '../core/app-context.ts';

/** A file a download route answers with. */
export interface DownloadFile {
  readonly contentType: string;
  readonly fileName: string;
  readonly body: string;
}

/** Why a download link was refused: a token that does not open, or one past its time. */
export class DownloadRefusal extends Error {
  constructor(
    readonly code: 'InvalidToken' | 'ExpiredToken',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A file a cloud action hands out as a link (DownloadActiveDeviceCount's FilePath): served by GET
 * on its exact path, without an API signature; the `token` query parameter, sealed by the action,
 * says what to serve and until when.
 */
export interface DownloadRoute {
  readonly path: string;
  /** Answers the file, or throws a DownloadRefusal. */
  serve(app: AppContext, token: string): Promise<DownloadFile>;
}
