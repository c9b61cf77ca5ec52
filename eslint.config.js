export { default } from '@wick/eslint-config';
