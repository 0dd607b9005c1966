import {
  buildErrorResponse,
  buildResultResponse,
  CborMap,
  type CborValue,
  encodeFrame,
  encodeValue,
  mapGet,
  type ParsedRequest,
  parseMessage,
} from '@passerine/cbor';
import type { Logger } from '@passerine/core';
import type { CborRpcContext, CborRpcHandler } from './handler.ts';
import { errorMessageOf, isUnexpected } from './method-errors.ts';

export interface Answer {
  frame: Uint8Array;
  /** Set when the message could not be tied to a request id: the client cannot match any answer. */
  closeConnection: boolean;
}

/**
 * Answers one decoded message: a request map gets a response map, a batch array an array of
 * responses in the same order. Never rejects; every failure becomes an error response.
 */
export async function answerMessage(
  message: CborValue,
  handler: CborRpcHandler,
  context: CborRpcContext,
  logger: Logger,
): Promise<Answer> {
  const parsed = parseMessage(message);
  if (parsed.kind === 'batch') {
    const responses = await Promise.all(
      parsed.requests.map((r) => answerRequest(r, handler, context, logger)),
    );
    return { frame: encodeOrExplain(responses, null), closeConnection: false };
  }
  const request = parsed.request;
  const response = await answerRequest(request, handler, context, logger);
  const id = request.ok ? request.request.id : (request.id ?? null);
  return { frame: encodeOrExplain(response, id), closeConnection: !request.ok && request.id === undefined };
}

async function answerRequest(
  parsed: ParsedRequest,
  handler: CborRpcHandler,
  context: CborRpcContext,
  logger: Logger,
): Promise<CborValue> {
  if (!parsed.ok) return buildErrorResponse(parsed.id ?? null, parsed.error.message);
  const { id, method, params } = parsed.request;
  try {
    const result = await handler(method, params, context);
    return buildResultResponse(id, result);
  } catch (err) {
    if (isUnexpected(err))
      logger.error({ err, method, connectionId: context.connectionId }, 'handler failed');
    return buildErrorResponse(id, errorMessageOf(err));
  }
}

/** A handler may return something CBOR cannot carry; the client then gets an error, not silence. */
function encodeOrExplain(response: CborValue, id: CborValue): Uint8Array {
  try {
    return encodeFrame(response);
  } catch (err) {
    if (Array.isArray(response)) {
      return encodeFrame(response.map(encodableResponse));
    }
    return encodeFrame(buildErrorResponse(id, `result cannot be encoded: ${errorMessageOf(err)}`));
  }
}

/** The batch fallback: each unencodable response is replaced by an error carrying its id. */
function encodableResponse(response: CborValue): CborValue {
  try {
    encodeValue(response);
    return response;
  } catch (err) {
    const id = response instanceof CborMap ? (mapGet(response, 'id') ?? null) : null;
    return buildErrorResponse(id, `result cannot be encoded: ${errorMessageOf(err)}`);
  }
}
