/** The shapes of src/console/API.md, as the pages read them. */

export interface Account { id: string; name: string; status: 'active' | 'disabled'; createdAt: number; identityVerified: boolean; mnaAuthorized: boolean }
export interface Key { keyId: string; accountId: string; cloud: 'tencent' | 'alibaba'; status: 'active' | 'disabled'; createdAt: number; userId: string | null }
export type NewKey = Key & { secret: string };
export interface SubUser { id: string; accountId: string; name: string; canPay: boolean; createdAt: number; keyIds: string[] }
export interface Vendor { accountId: string; name: string; createdAt: number }
export interface Hardware { hardwareId: string; sn: string; status: 1 | 2; licenseChargingMode: 1 | 2 | 3; description: string; createdAt: number; activatedAt: number | null; deviceId: string | null; deviceName: string | null }
export interface MnaDevice { deviceId: string; deviceName: string; remark: string; groupId: string | null; groupName: string | null; hardwareId: string | null; sn: string | null; vendor: string | null; licensePayMode: number; accessScope: number; createdAt: number }
export interface Group { groupId: string; groupName: string; description: string; deviceCount: number; createdAt: number; updatedAt: number }
export interface License { resourceId: string; type: 0 | 1; deviceId: string; hardwareId: string; amount: number; voucherId: string; requestId: string; createdAt: number }
export interface FlowPackage { resourceId: string; packageType: number; region: 0 | 1; capacityMb: number; renewFlag: boolean; truncFlag: boolean; price: number; createdAt: number; activeAt: number; expireAt: number }
export interface Voucher { id: string; kind: 'cash' | 'deduction'; faceValue: number; remaining: number; minOrderAmount: number; expiresAt: number; note: string; createdAt: number }
export interface LedgerEntry { id: string; seq: number; kind: 'credit' | 'debit' | 'order' | 'voucher' | 'refund'; amount: number; balanceAfter: number; action: string; resource: string; deviceId: string; voucherId: string; requestId: string; note: string; createdAt: number }
export interface ImportJob { importId: string; kind: string; status: 'running' | 'finished' | 'failed'; read: number; valid: number; rejected: number; written: number; failure: string | null; createdAt: number; updatedAt: number }
export interface HubProduct { productId: string; productName: string; description: string; encryptionType: string; productType: number; registerType: 0 | 1 | 2; registerLimit: number; registeredCount: number; deviceCount: number; forbidden: boolean; createdAt: number }
export interface HubDevice { productId: string; deviceName: string; enabled: boolean; online: boolean; loginAt: number | null; firstOnlineAt: number | null; lastOfflineAt: number | null; clientIp: string; version: string; dynamicRegistered: boolean; createdAt: number }
/** An Enterprise instance; the public one has no id and is not listed. */
export interface IotInstance { id: string; accountId: string; productCount: number; createdAt: number }
export interface IotProduct { productKey: string; accountId: string; iotInstanceId: string | null; name: string; nodeType: number; deviceCount: number; dynamicRegistration: boolean; createdAt: number }
export interface IotDevice { iotId: string; productKey: string; deviceName: string; nickname: string; sn: string; status: string; online: boolean; createdAt: number; activatedAt: number | null; onlineAt: number | null }
export interface IotJob { applyId: string; kind: string; productKey: string; status: string; total: number; done: number; failure: string | null; createdAt: number; updatedAt: number }
export interface IotJobRow { deviceName: string; sn: string; nickname: string; iotId: string; state: string }
export interface Call { seq: number; at: number; cloud: 'tencent' | 'alibaba'; accountId: string | null; product: string; action: string; code: string; latencyMs: number; requestId: string }
