import type { Static } from '@sinclair/typebox';
import { defineAction } from '../../cloud-action.ts';
import type { ActionContext } from '../../action-context.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { StoreRefusal } from '../../../storage/store-refusal.ts';
import { assertValid, checkOneOf, firstProblem, invalidValue, type Check } from '../params-rules.ts';
import { checkDeviceName, productNotFound } from './validation.ts';
import { usableProductOf } from './product-access.ts';
import { createDevice } from './store/devices.ts';
import type { ProductRow } from './store/products.ts';
import { certificateOfProductCa, issueCredentials, type IssuedCredentials } from './credentials.ts';
import { certificateContextOf } from './certificates.ts';

type Params = Static<typeof iotcloudSpec.actions.CreateDevice.request>;
type Tags = NonNullable<Static<typeof iotcloudSpec.structs.Attribute>['Tags']>;

const NB_IOT = 2;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_PSK_LENGTH = 128;
const MAX_TAGS = 100;
const TAG_NAME = /^[a-zA-Z0-9_]{1,32}$/;
const INTEGER = /^-?\d{1,18}$/;

function checkTags(tags: Tags): Check {
  if (tags.length > MAX_TAGS) return invalidValue('Attribute.Tags', `it holds at most ${MAX_TAGS} attributes`);
  for (const [i, tag] of tags.entries()) {
    const problem = firstProblem(
      TAG_NAME.test(tag.Tag) ? undefined : invalidValue(`Attribute.Tags.${i}.Tag`, 'it must be 1 to 32 letters, digits or _'),
      checkOneOf(`Attribute.Tags.${i}.Type`, tag.Type, [1, 2]),
      tag.Type === 1 && !INTEGER.test(tag.Value) ? invalidValue(`Attribute.Tags.${i}.Value`, 'an attribute of Type 1 holds an integer') : undefined,
      tag.Value.length <= 256 ? undefined : invalidValue(`Attribute.Tags.${i}.Value`, 'it must be at most 256 characters long'),
    );
    if (problem) return problem;
  }
  return undefined;
}

/** The product-dependent rules, in the order the errors rank: device kind first, then credentials. */
function checkFitsProduct(product: ProductRow, p: Params): void {
  if (p.LoraDevEui !== undefined || p.LoraMoteType !== undefined || p.LoraAppKey !== undefined || p.Skey !== undefined) {
    throw new TencentError('UnauthorizedOperation.ProductCantHaveLoRaDevice');
  }
  if (product.product_type === NB_IOT) {
    if (!p.Imei || p.Isp === undefined) throw new TencentError('UnauthorizedOperation.ProductCantHaveNormalDevice', { detail: 'You cannot create a general device under a NB-IoT product: Imei and Isp are required.' });
    assertValid(checkOneOf('Isp', p.Isp, [1, 2, 3]), p.Imei.length <= 32 ? undefined : invalidValue('Imei', 'it must be at most 32 characters long'));
  } else {
    assertValid(p.Imei === undefined && p.Isp === undefined ? undefined : invalidValue(p.Imei === undefined ? 'Isp' : 'Imei', 'only NB-IoT products take it'));
  }
  if (p.DefinedPsk !== undefined) {
    if (product.encryption_type !== '2') throw new TencentError('UnauthorizedOperation.ProductNotSupportPSK');
    if (p.DefinedPsk.length === 0 || p.DefinedPsk.length > MAX_PSK_LENGTH || !BASE64.test(p.DefinedPsk)) {
      throw new TencentError('InvalidParameterValue.DefinedPskNotBase64');
    }
  }
  const privateCa = product.encryption_type === '1' && product.private_ca_name !== null;
  if (p.TlsCrt !== undefined && !privateCa) throw invalidValue('TlsCrt', 'only certificate products bound to a private CA take a device certificate');
  if (p.TlsCrt === undefined && privateCa) throw invalidValue('TlsCrt', `the product is bound to private CA ${product.private_ca_name}: the device certificate it issued is required`);
}

/** A device certificate the product's private CA issued for this device (TlsCrt), else InvalidParameterValue. */
async function deviceCertOfPrivateCa(ctx: ActionContext, product: ProductRow, deviceName: string, pem: string): Promise<string> {
  const checked = await certificateOfProductCa(certificateContextOf(ctx), product, deviceName, pem, ctx.now());
  if ('problem' in checked) throw invalidValue('TlsCrt', `${checked.problem}; it must be a certificate the private CA ${product.private_ca_name} issued for this device`);
  return checked.cert;
}

/**
 * CreateDevice: a device of one of the caller's products. Key products answer a DevicePsk (the
 * caller's DefinedPsk or a fresh one); certificate products a DeviceCert and DevicePrivateKey
 * issued by the account's platform CA (the key is not stored), or, when bound to a private CA,
 * the TlsCrt it issued. Names are unique per product; at most 1,000,000 devices per product.
 */
export const CreateDevice = defineAction({
  name: 'CreateDevice',
  request: iotcloudSpec.actions.CreateDevice.request,
  async handle(ctx, params) {
    const { ProductId, DeviceName, Attribute } = params;
    assertValid(checkDeviceName('DeviceName', DeviceName), checkTags(Attribute?.Tags ?? []));
    const product = await usableProductOf(ctx, ProductId);
    checkFitsProduct(product, params);
    const issued: IssuedCredentials =
      params.TlsCrt !== undefined
        ? { cert: await deviceCertOfPrivateCa(ctx, product, DeviceName, params.TlsCrt), privateKey: '' }
        : await issueCredentials(certificateContextOf(ctx), product, DeviceName, params.DefinedPsk);
    const tags = (Attribute?.Tags ?? []).map((t) => ({ Tag: t.Tag, Type: t.Type, Value: t.Value, Name: t.Name ?? t.Tag }));
    try {
      await createDevice(
        ctx.store.db,
        ctx.secrets,
        ctx.accountId,
        {
          productId: ProductId,
          deviceName: DeviceName,
          ...('psk' in issued ? { psk: issued.psk } : { cert: issued.cert }),
          tags: JSON.stringify(tags),
          ...(params.Isp !== undefined ? { isp: params.Isp } : {}),
          ...(params.Imei !== undefined ? { imei: params.Imei } : {}),
        },
        ctx.now(),
      );
    } catch (error) {
      if (!(error instanceof StoreRefusal)) throw error;
      if (error.reason === 'name-taken') throw new TencentError('InvalidParameterValue.DeviceAlreadyExist', { detail: `The device already exists (DeviceName: ${DeviceName}).` });
      if (error.reason === 'quota') throw new TencentError('LimitExceeded.DeviceExceedLimit');
      throw error.reason === 'product-gone' ? productNotFound(ProductId) : error;
    }
    return {
      DeviceName,
      DevicePsk: 'psk' in issued ? issued.psk : '',
      DeviceCert: 'cert' in issued ? issued.cert : '',
      DevicePrivateKey: 'cert' in issued ? issued.privateKey : '',
      LoraDevEui: '',
      LoraMoteType: 0,
      LoraAppKey: '',
      LoraNwkKey: '',
    };
  },
});
