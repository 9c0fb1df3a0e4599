import { Type } from '@sinclair/typebox';

export const AccountParams = Type.Object({ accountId: Type.String() });
