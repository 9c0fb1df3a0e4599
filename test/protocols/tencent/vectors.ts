import { readReference } from '../../support/reference.ts';

/** A TC3 entry of test-vectors.json (fields vary per entry). */
export interface Tc3Vector {
  readonly source: string;
  readonly secretId?: string;
  readonly secretKey: string;
  readonly method: string;
  readonly host: string;
  readonly service: string;
  readonly timestamp: number;
  readonly date?: string;
  readonly contentType?: string;
  readonly signedHeaders: string;
  readonly canonicalHeaders?: string;
  readonly payload: string;
  readonly hashedPayload?: string;
  readonly canonicalRequest?: string;
  readonly hashedCanonicalRequest?: string;
  readonly stringToSign?: string;
  readonly signature: string;
  readonly authorization?: string;
}

/** A v1 entry of test-vectors.json. */
export interface V1Vector {
  readonly source: string;
  readonly secretKey: string;
  readonly signatureMethod: string;
  readonly stringToSign: string;
  readonly signature: string;
  readonly urlEncodedSignature?: string;
}

/** reference/tencent/test-vectors.json: the API signature vectors. */
export const vectors = readReference<{
  readonly tc3: readonly Tc3Vector[];
  readonly v1: readonly V1Vector[];
}>('tencent/test-vectors.json');
