import { TencentError } from '../../../protocols/tencent/errors.ts';

/** InvalidParameter naming the parameter: the traffic-package actions document it rather than InvalidParameterValue. */
export const invalidParameter = (name: string, detail: string): TencentError => new TencentError('InvalidParameter', { name, detail });
