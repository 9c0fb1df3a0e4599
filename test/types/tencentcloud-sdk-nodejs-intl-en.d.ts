// The intl-en SDK ships no type declarations; the tests use it exactly as its README shows.
declare module 'tencentcloud-sdk-nodejs-intl-en';
