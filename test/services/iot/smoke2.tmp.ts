import { startTestServer } from '../../support/server.ts';
import RPCClient from '@alicloud/pop-core';
import Iot, * as $Iot from '@alicloud/iot20180120';
import * as $OpenApi from '@alicloud/openapi-client';
const server = await startTestServer({ dialect: 'sqlite' });
try {
  const acct = await server.createAccount();
  const pop = new RPCClient({ endpoint: server.url, apiVersion: '2018-01-20', accessKeyId: acct.alibaba.accessKeyId, accessKeySecret: acct.alibaba.accessKeySecret });
  const r: any = await pop.request('CreateProduct', { ProductName: 'light_1', NodeType: 0 }, { method: 'POST' });
  console.log(r);
  const iot = new Iot(new $OpenApi.Config({ endpoint: server.endpoint, protocol: 'http', accessKeyId: acct.alibaba.accessKeyId, accessKeySecret: acct.alibaba.accessKeySecret }));
  const q = await iot.queryProduct(new $Iot.QueryProductRequest({ productKey: r.ProductKey }));
  console.log(q.body);
  const b = await iot.batchCheckImportDevice(new $Iot.BatchCheckImportDeviceRequest({ productKey: r.ProductKey, deviceList: [] }));
  console.log(b.body);
  try { await pop.request('BatchCheckImportDevice', { ProductKey: r.ProductKey }); } catch (e: any) { console.log(e.code, e.data) }
  const d = await iot.deleteProduct(new $Iot.DeleteProductRequest({ productKey: r.ProductKey }));
  console.log(d.body);
} finally { await server.close(); }
