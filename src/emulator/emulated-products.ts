import type { AlibabaProduct, TencentProduct } from '../services/cloud-action.ts';
import type { DeviceEndpoint } from '../device/device-endpoint.ts';

/** One cloud product as the emulator controls name it: `cloud`, `product` and its implemented actions. */
export interface EmulatedProduct {
  readonly cloud: 'tencent' | 'alibaba';
  /** Tencent's service name, Alibaba's product code in lower case: what faults match on. */
  readonly product: string;
  readonly version: string;
  readonly actions: ReadonlySet<string>;
}

/** What the server serves, from the registry: products of both gateways and the device endpoints. */
export interface EmulatedSurface {
  readonly products: readonly EmulatedProduct[];
  readonly deviceEndpoints: readonly DeviceEndpoint[];
}

export function emulatedSurface(tencent: readonly TencentProduct[], alibaba: readonly AlibabaProduct[], deviceEndpoints: readonly DeviceEndpoint[]): EmulatedSurface {
  const actionsOf = (product: TencentProduct | AlibabaProduct) => new Set(product.actions.map((action) => action.name));
  return {
    products: [
      ...tencent.map((p): EmulatedProduct => ({ cloud: 'tencent', product: p.spec.service, version: p.spec.version, actions: actionsOf(p) })),
      ...alibaba.map((p): EmulatedProduct => ({ cloud: 'alibaba', product: p.spec.product.toLowerCase(), version: p.spec.version, actions: actionsOf(p) })),
    ],
    deviceEndpoints,
  };
}
