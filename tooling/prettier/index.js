/** Wick's one formatting style: the code already read this way before prettier arrived. */
export default {
  printWidth: 140,
  singleQuote: true,
  trailingComma: 'all',
  semi: true,
  arrowParens: 'always',
};
