export { encodeToken, decodeToken } from './token.ts';
export { createNames, type Names } from './names.ts';
