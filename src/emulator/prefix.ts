/** Where the emulator controls live, beside the clouds' `/` on the same listener (as LocalStack's /_localstack). */
export const EMULATOR_PREFIX = '/_fleetgate';
