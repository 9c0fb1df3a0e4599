import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEVICE_PAYER, HARDWARE_PAYER, activatedTerm, devicePayer, hardwareLicense } from '../../../../src/services/tencent/mna/licensing.ts';

const README = resolve(import.meta.dirname, '../../../../src/services/tencent/mna/README.md');

/** The rows of the README's "License fields" table that describe hardware. */
function readmeRows() {
  const section = readFileSync(README, 'utf8').split(/^## /m).find((s) => s.startsWith('License fields'))!;
  return [...section.matchAll(/^\| ([123]) [^|]+\| ([^|]+) \| (-?\d) [^|]*\| (\d) \| (\d|—)[^|]*\| (\d) \|$/gm)].map((m) => ({
    mode: Number(m[1]),
    state: m[2]!.trim(),
    payMode: Number(m[3]),
    payer: Number(m[4]),
    devicePayer: m[5] === '—' ? undefined : Number(m[5]),
    chargingMode: Number(m[6]),
  }));
}

/** The chosen terms a table row's "State" stands for (null = not activated). */
function termsOf(state: string): (number | null)[] {
  if (state === 'any') return [null, 0, 1];
  if (state === 'to be activated') return [null];
  return state.endsWith('LicensePayMode 1') ? [1] : [0];
}

describe('MNA license derivation', () => {
  it('matches every hardware row of the README mapping table', () => {
    const rows = readmeRows();
    expect(rows.map((r) => r.mode)).toEqual([1, 1, 1, 2, 3]);
    for (const row of rows) {
      for (const term of termsOf(row.state)) {
        expect(hardwareLicense(row.mode, term), `${row.mode} / ${row.state} / ${term}`).toEqual({
          licenseChargingMode: row.chargingMode,
          licensePayMode: row.payMode,
          payer: row.payer,
        });
        if (row.devicePayer !== undefined) expect(devicePayer(row.mode)).toBe(row.devicePayer);
      }
    }
  });

  it('is consistent for every charging mode and requested term', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 3), fc.option(fc.constantFrom(0, 1), { nil: undefined }), (mode, requested) => {
        const term = activatedTerm(mode, requested);
        const view = hardwareLicense(mode, term);
        // The activated device keeps exactly the term the hardware views show.
        expect(view.licensePayMode).toBe(term);
        // DeviceBaseInfo numbers the payer the other way round.
        expect(devicePayer(mode)).toBe(view.payer === HARDWARE_PAYER.vendor ? DEVICE_PAYER.vendor : DEVICE_PAYER.customer);
        // The deprecated field is its documented combination of payer and term.
        expect(view.licenseChargingMode).toBe(term === 1 ? 3 : view.payer === HARDWARE_PAYER.vendor ? 2 : 1);
        // Vendor-paid hardware ignores what the customer asked for.
        if (mode !== 1) expect(term).toBe(mode === 3 ? 1 : 0);
      }),
    );
  });

  it('devices added without hardware are customer-paid', () => {
    expect(devicePayer(null)).toBe(DEVICE_PAYER.customer);
  });
});
