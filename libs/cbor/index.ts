export { type CborValue, Encoded, Tuple, tuple, Uuid } from './value.ts';
export { CborMap, type CborMapEntry, isCborMap, isKeyNamed, mapGet, mapRequire } from './map.ts';
export { cborEquals } from './equals.ts';
export { bytesEqual, fromHex, fromUtf8, toHex, utf8 } from './utf8.ts';
export { TAG_EMBEDDED_CBOR, TAG_TUPLE, TAG_UUID } from './tags.ts';
export { encodedOf, encodeValue } from './encode.ts';
export { decodeValue } from './decode.ts';
export { DEFAULT_MAX_FRAME_BYTES, encodeFrame, wrapFrame } from './frame.ts';
export { FrameDecoder, type FrameDecoderOptions } from './frame-decoder.ts';
export { fromJsonValue, type JsonValue, toJsonValue } from './json.ts';
export {
  buildRequest,
  type ParsedMessage,
  type ParsedRequest,
  parseMessage,
  parseRequest,
  type RpcParams,
  type RpcRequest,
  type RpcRequestProblem,
} from './rpc-request.ts';
export { buildErrorResponse, buildResultResponse, parseResponse, type RpcResponse } from './rpc-response.ts';
