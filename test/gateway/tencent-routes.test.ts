import { describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { TencentError } from '../../src/protocols/tencent/index.ts';
import { defineAction, type TencentProduct } from '../../src/services/cloud-action.ts';
import { tencentRoutes, type RoutingKeys } from '../../src/gateway/tencent-routes.ts';

// Two products sharing one version, as Tencent's cvm and cbs share 2017-03-12: each has a
// DescribeThings of its own, and each one action the other lacks.
const spec = (service: string, ...actions: string[]) => ({
  service,
  version: '2017-03-12',
  actions: Object.fromEntries(actions.map((name) => [name, { request: Type.Object({}), regionRequired: false }])),
});
const action = (service: string, name: string) => defineAction({ name, request: Type.Object({}), handle: async () => ({ service }) });
const cvm: TencentProduct = { spec: spec('cvm', 'DescribeThings', 'RunInstances'), actions: [action('cvm', 'DescribeThings'), action('cvm', 'RunInstances')] };
const cbs: TencentProduct = { spec: spec('cbs', 'DescribeThings', 'CreateDisks'), actions: [action('cbs', 'DescribeThings')] };

const route = tencentRoutes([cvm, cbs]);
const keys = (overrides: Partial<RoutingKeys>): RoutingKeys => ({
  version: '2017-03-12',
  action: 'DescribeThings',
  region: undefined,
  scopeService: undefined,
  host: '127.0.0.1:8080',
  ...overrides,
});

function refusal(overrides: Partial<RoutingKeys>): { code: string; message: string } {
  try {
    route(keys(overrides));
  } catch (error) {
    expect(error).toBeInstanceOf(TencentError);
    return { code: (error as TencentError).code, message: (error as TencentError).message };
  }
  throw new Error('expected the request to be refused');
}

describe('Tencent routing by (product, version, action)', () => {
  it('two products with one version both stay routed: the TC3 credential scope picks the product', () => {
    expect(route(keys({ scopeService: 'cvm' })).service).toBe('cvm');
    expect(route(keys({ scopeService: 'cbs' })).service).toBe('cbs');
  });

  it('a v1 request is routed by a Host naming the product, with or without port, region or intl', () => {
    expect(route(keys({ host: 'cbs.tencentcloudapi.com' })).service).toBe('cbs');
    expect(route(keys({ host: 'cvm.ap-guangzhou.tencentcloudapi.com:443' })).service).toBe('cvm');
    expect(route(keys({ host: 'cbs.intl.tencentcloudapi.com' })).service).toBe('cbs');
  });

  it('without a name, the one product having the version and action serves it', () => {
    expect(route(keys({ action: 'RunInstances' })).service).toBe('cvm');
    // The Node SDK pointed at 127.0.0.1 signs the scope `127`, the first label of its endpoint.
    expect(route(keys({ action: 'RunInstances', scopeService: '127' })).service).toBe('cvm');
    expect(route(keys({ action: 'RunInstances', scopeService: 'localhost:8080', host: 'localhost:8080' })).service).toBe('cvm');
  });

  it('a Node SDK endpoint names nothing however its Host arrives: a default port dropped, capitals, a proxy dropping the port', () => {
    // The SDK signs `endpoint.split(".")[0]` as typed and sends `new URL(url).host`.
    expect(route(keys({ action: 'RunInstances', scopeService: 'localhost:80', host: 'localhost' })).service).toBe('cvm');
    expect(route(keys({ action: 'RunInstances', scopeService: 'Fleetgate', host: 'fleetgate.example.com' })).service).toBe('cvm');
    expect(route(keys({ action: 'RunInstances', scopeService: 'localhost:8443', host: 'localhost' })).service).toBe('cvm');
  });

  it('a Host that merely starts with a product name (not Tencent’s own hostname) routes by version when that product lacks the version', () => {
    const other = tencentRoutes([cvm, { ...cbs, spec: { ...cbs.spec, service: 'mna', version: '2021-01-19' } }]);
    expect(other(keys({ action: 'RunInstances', host: 'mna.corp:8080' })).service).toBe('cvm');
    expect(() => other(keys({ action: 'RunInstances', host: 'mna.tencentcloudapi.com' }))).toThrow(expect.objectContaining({ code: 'NoSuchVersion' }));
    // A credential scope naming it is meant: there the version is simply not served.
    expect(() => other(keys({ action: 'RunInstances', scopeService: 'mna', host: 'mna.corp:8080' }))).toThrow(expect.objectContaining({ code: 'NoSuchVersion' }));
  });

  it('several products and nothing naming one: InvalidParameter saying how to name it', () => {
    const { code, message } = refusal({ scopeService: '127' });
    expect(code).toBe('InvalidParameter');
    expect(message).toBe(
      'Version `2017-03-12` of action `DescribeThings` is served by several products (`cvm`, `cbs`): name one in the Host (`<service>.tencentcloudapi.com`) or in the TC3 credential scope.',
    );
  });

  it('a TC3 scope naming a service Fleetgate does not serve is refused as the cloud refuses it', () => {
    expect(refusal({ scopeService: 'cdn' })).toEqual({
      code: 'AuthFailure.InvalidAuthorization',
      message: 'The request `Authorization` header does not conform to tencentcloud standards: `Service` in Credential not valid (`cdn`).',
    });
  });

  it('a named product answers for its own spec only: NoSuchVersion, InvalidAction, UnsupportedOperation', () => {
    expect(refusal({ scopeService: 'cvm', version: '2021-01-19' }).code).toBe('NoSuchVersion');
    expect(refusal({ scopeService: 'cvm', action: 'CreateDisks' }).code).toBe('InvalidAction');
    expect(refusal({ host: 'cbs.tencentcloudapi.com', action: 'CreateDisks' }).code).toBe('UnsupportedOperation');
    expect(refusal({ action: 'constructor' }).code).toBe('InvalidAction');
  });
});

describe('Tencent products refused at start-up', () => {
  it('two products serving the same service and version', () => {
    expect(() => tencentRoutes([cvm, { spec: spec('cvm', 'Other'), actions: [] }])).toThrow('Tencent products clash: two products serve cvm 2017-03-12');
  });

  it('an action the product’s spec does not have, or one registered twice', () => {
    expect(() => tencentRoutes([{ spec: spec('cvm', 'RunInstances'), actions: [action('cvm', 'RunInstance')] }])).toThrow(
      'Tencent cvm 2017-03-12: action RunInstance is not in the product’s spec',
    );
    expect(() => tencentRoutes([{ spec: spec('cvm', 'RunInstances'), actions: [action('cvm', 'RunInstances'), action('cvm', 'RunInstances')] }])).toThrow(
      /registered twice/,
    );
  });
});
