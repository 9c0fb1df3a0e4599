import { TencentError } from '../protocols/tencent/index.ts';
import { implementedActions, type CloudAction, type TencentProduct } from '../services/cloud-action.ts';

/** What of a request tells the products apart. */
export interface RoutingKeys {
  readonly version: string;
  readonly action: string;
  readonly region: string | undefined;
  /** The TC3 credential-scope service as sent; v1 carries none. */
  readonly scopeService: string | undefined;
  /** The Host header as received. */
  readonly host: string | undefined;
}

export interface TencentRoute {
  readonly service: string;
  readonly implementation: CloudAction;
}

interface Served {
  readonly product: TencentProduct;
  readonly implemented: ReadonlyMap<string, CloudAction>;
}

/**
 * Routes Tencent requests by (product, version, action). Versions repeat across Tencent
 * products, so the product comes first, from what the request names:
 * - a TC3 credential scope naming a served service (Go and Python always send the product's
 *   service). A scope equal to the Host's first label was derived from the endpoint (the Node
 *   SDK's `endpoint.split(".")[0]`, `127` for 127.0.0.1) and names nothing by itself; any other
 *   unserved scope is refused as the cloud refuses it: AuthFailure.InvalidAuthorization;
 * - else a Host whose first label is a served service (`mna.tencentcloudapi.com`,
 *   `iotcloud.intl.tencentcloudapi.com`);
 * - else the one product whose spec has this version and action; when several have it, the
 *   request is ambiguous: InvalidParameter saying how to name the product.
 * Then: no such version → NoSuchVersion, action not in the spec → InvalidAction, Region missing
 * where required → MissingParameter, not implemented → UnsupportedOperation.
 *
 * Throws at start-up when two products serve the same service and version, or a product
 * registers an action its spec lacks.
 */
export function tencentRoutes(products: readonly TencentProduct[]): (keys: RoutingKeys) => TencentRoute {
  const byService = new Map<string, Map<string, Served>>();
  const byVersion = new Map<string, Served[]>();
  /** Version → Action → the products whose spec has it: unnamed requests are routed without a scan. */
  const byVersionAction = new Map<string, Map<string, Served[]>>();
  for (const product of products) {
    const { service, version } = product.spec;
    const versions = byService.get(service) ?? new Map<string, Served>();
    if (versions.has(version)) throw new Error(`Tencent products clash: two products serve ${service} ${version}`);
    const served = { product, implemented: implementedActions(product, `Tencent ${service}`) };
    versions.set(version, served);
    byService.set(service, versions);
    byVersion.set(version, [...(byVersion.get(version) ?? []), served]);
    const actions = byVersionAction.get(version) ?? new Map<string, Served[]>();
    for (const action of Object.keys(product.spec.actions)) actions.set(action, [...(actions.get(action) ?? []), served]);
    byVersionAction.set(version, actions);
  }

  /** A Host or endpoint as compared: scheme, port and case dropped (the Node SDK signs its endpoint as typed, sends the URL's host). */
  const hostName = (value: string): string => value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/:\d*$/, '').toLowerCase();

  // A server sees few distinct Host values: each is normalised once (bounded: emptied when full).
  const hostNames = new Map<string, string>();
  function cachedHostName(host: string): string {
    let name = hostNames.get(host);
    if (name === undefined) {
      name = hostName(host);
      if (hostNames.size >= 1_000) hostNames.clear();
      hostNames.set(host, name);
    }
    return name;
  }

  /**
   * The service the request names, and whether definitely: a credential scope or Tencent's own
   * hostname does; another Host (mna.corp:8080) may just be where Fleetgate runs.
   */
  function namedService(keys: RoutingKeys): { service: string; definite: boolean } | undefined {
    const host = cachedHostName(keys.host ?? '');
    const scope = keys.scopeService;
    if (scope !== undefined && byService.has(scope)) return { service: scope, definite: true };
    if (scope !== undefined && hostName(scope) !== host.split('.')[0]) throw new TencentError('AuthFailure.InvalidAuthorization', { service: scope });
    const hostLabel = host.split('.')[0]!;
    if (!byService.has(hostLabel)) return undefined;
    return { service: hostLabel, definite: host.endsWith('.tencentcloudapi.com') };
  }

  function product(keys: RoutingKeys): Served {
    const named = namedService(keys);
    if (named !== undefined) {
      const served = byService.get(named.service)?.get(keys.version);
      if (served) return served;
      if (named.definite) throw new TencentError('NoSuchVersion', { version: keys.version });
    }
    const candidates = byVersion.get(keys.version);
    if (!candidates) throw new TencentError('NoSuchVersion', { version: keys.version });
    const having = byVersionAction.get(keys.version)!.get(keys.action) ?? [];
    if (having.length > 1) {
      const services = having.map((served) => `\`${served.product.spec.service}\``).join(', ');
      throw new TencentError('InvalidParameter', { version: keys.version, action: keys.action, services });
    }
    return having[0] ?? candidates[0]!;
  }

  return (keys) => {
    const served = product(keys);
    const spec = Object.hasOwn(served.product.spec.actions, keys.action) ? served.product.spec.actions[keys.action] : undefined;
    if (!spec) throw new TencentError('InvalidAction', { action: keys.action });
    if (spec.regionRequired && !keys.region) throw new TencentError('MissingParameter', { name: 'Region' });
    const implementation = served.implemented.get(keys.action);
    if (!implementation) throw new TencentError('UnsupportedOperation', { action: keys.action });
    return { service: served.product.spec.service, implementation };
  };
}
