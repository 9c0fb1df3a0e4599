import { describe, expect, it } from 'vitest';
import { JSON_CONTENT_TYPE, errorBody, successBody } from '../../../src/protocols/tencent/envelope.ts';
import { TencentError } from '../../../src/protocols/tencent/errors.ts';

describe('response envelope (Responses doc)', () => {
  it('Content-Type is exactly application/json (tccli ignores errors under any other value)', () => {
    expect(JSON_CONTENT_TYPE).toBe('application/json');
  });

  it('success: {"Response":{...fields,"RequestId"}} byte for byte as the seed reply the Node SDK accepted', () => {
    const body = successBody('edd378f7-2511-4692-a029-5ca3d22c1884', {
      HardwareInfo: [
        { Vendor: 'vendor', SN: 'AN', DeviceName: 'name', Description: 'activateHardware info', DataKey: 'keys', LicensePayMode: 1, AccessScope: 1 },
      ],
    });
    expect(body).toBe(
      '{"Response":{"HardwareInfo":[{"Vendor":"vendor","SN":"AN","DeviceName":"name","Description":"activateHardware info","DataKey":"keys","LicensePayMode":1,"AccessScope":1}],"RequestId":"edd378f7-2511-4692-a029-5ca3d22c1884"}}',
    );
  });

  it('RequestId comes last and cannot be overridden by a handler field', () => {
    expect(successBody('r-1', { RequestId: 'evil', A: 1 })).toBe('{"Response":{"A":1,"RequestId":"r-1"}}');
    expect(successBody('r-1', {})).toBe('{"Response":{"RequestId":"r-1"}}');
  });

  it('bigint fields are written as exact JSON integers, at any depth', () => {
    expect(successBody('r', { Total: 18446744073709551615n, List: [{ Id: -9007199254740993n }], N: 1 })).toBe(
      '{"Response":{"Total":18446744073709551615,"List":[{"Id":-9007199254740993}],"N":1,"RequestId":"r"}}',
    );
  });

  it('error: {"Response":{"Error":{"Code","Message"},"RequestId"}} in the requested language', () => {
    const error = new TencentError('OperationDenied.HardwareNotExist');
    expect(errorBody('b5c1b4a4-3f9e-4c1e-9d0a-6b1f0f2a7c11', error, 'en-US')).toBe(
      '{"Response":{"Error":{"Code":"OperationDenied.HardwareNotExist","Message":"The hardware corresponding to the input SN does not exist."},"RequestId":"b5c1b4a4-3f9e-4c1e-9d0a-6b1f0f2a7c11"}}',
    );
    const zh = JSON.parse(errorBody('r', new TencentError('MissingParameter', { name: 'SN' }), 'zh-CN'));
    expect(zh).toEqual({ Response: { Error: { Code: 'MissingParameter', Message: '缺少必填参数 `SN`。' }, RequestId: 'r' } });
  });
});
