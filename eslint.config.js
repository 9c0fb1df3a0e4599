import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of the README's Layout, as import rules (imports are relative, so each rule is a
 * pattern on the path as written, applied to the files of one folder).
 */
const outOf = (folders) => ({ regex: `(^|/)(${folders.join('|')})(/|$)` });

const LOWER_LAYERS = [
  {
    files: ['src/protocols/**'],
    patterns: [
      { ...outOf(['core', 'storage', 'services', 'gateway', 'admin', 'cli']), message: 'Protocols are pure: no core, storage, services, gateway, admin or CLI.' },
      { regex: '^(\\.\\./)+(runtime|server|config|graceful-shutdown)\\.ts$', message: 'Protocols are pure: no process-level modules.' },
    ],
  },
  {
    files: ['src/storage/**'],
    patterns: [{ ...outOf(['services', 'gateway', 'admin', 'cli', 'billing', 'device']), message: 'Storage serves the layers above it and imports none of them (products merge their tables into storage/schema.ts).' }],
  },
  {
    files: ['src/core/**'],
    patterns: [{ ...outOf(['services', 'gateway', 'admin', 'cli', 'billing', 'device']), message: 'Core (accounts, keys, limits) is beneath products, billing and the pipelines: it imports none of them.' }],
  },
  {
    files: ['src/billing/**'],
    patterns: [{ ...outOf(['services', 'gateway', 'device']), message: 'Billing sits beside core: products charge through it, it knows no product or pipeline.' }],
  },
  {
    files: ['src/bulk-import/**'],
    patterns: [{ ...outOf(['services', 'gateway', 'device', 'billing']), message: 'Bulk import knows no product: products hand it their ImportTarget.' }],
  },
  {
    files: ['src/device/**'],
    patterns: [{ ...outOf(['services', 'admin', 'billing']), message: 'The device pipeline knows no product: products register their endpoints with it through the registry.' }],
  },
  {
    files: ['src/mqtt/**'],
    patterns: [{ ...outOf(['services', 'admin', 'billing', 'device']), message: 'The MQTT listener knows no product: products register their realms with it through the registry.' }],
  },
];

/** Cloud products (src/services/<cloud>/<product>): none imports another. */
const PRODUCTS = ['tencent/mna', 'tencent/iotcloud', 'alibaba/iot'];

const productRules = PRODUCTS.map((product) => {
  const [cloud] = product.split('/');
  return {
    files: [`src/services/${product}/**`],
    patterns: PRODUCTS.filter((other) => other !== product).map((other) => {
      const [otherCloud, name] = other.split('/');
      const path = otherCloud === cloud ? `(${otherCloud}/)?${name}` : `${otherCloud}/${name}`;
      return { regex: `^(\\.\\./)+${path}(/|$)`, message: `Products do not import each other (${product} → ${other}): share code through src/services/<cloud>, src/services or src/storage.` };
    }),
  };
});

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...[...LOWER_LAYERS, ...productRules].map(({ files, patterns }) => ({
    files,
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  })),
);
