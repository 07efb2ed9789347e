// One dispatcher for every transport: validate the input against the contract, run the
// handler, and reply with an envelope. Transports only move bytes.
import {
  isMethodName,
  parseInput,
  toErrorBody,
  ApiError,
  type MethodName,
  type Output,
  type ParsedInput,
  type Reply,
} from '../api/contract';
import { nestsDeeperThan } from './json-nesting';

/** Deeper inputs are refused before validation walks them (its recursion would overflow the stack). */
const MAX_INPUT_DEPTH = 64;

export type Handlers = { [M in MethodName]: (input: ParsedInput<M>) => Promise<Output<M>> | Output<M> };

/**
 * `handlers` may lack methods (a read-only session has no `runs/start`): those are refused with
 * `unavailable` and `missing`'s reason, after the input was checked.
 */
export async function dispatch(handlers: Partial<Handlers>, method: unknown, input: unknown, missing = 'this service does not offer it'): Promise<Reply<unknown>> {
  try {
    if (!isMethodName(method)) throw new ApiError('not-found', `unknown method: ${String(method)}`);
    if (nestsDeeperThan(input, MAX_INPUT_DEPTH)) throw new ApiError('bad-request', `${method}: input nests deeper than ${MAX_INPUT_DEPTH} levels`);
    const parsed = parseInput(method, input);
    const handler = handlers[method] as ((input: unknown) => Promise<unknown> | unknown) | undefined;
    if (!handler) throw new ApiError('unavailable', `${method}: ${missing}`);
    return { ok: true, data: await handler(parsed) };
  } catch (err) {
    return { ok: false, error: toErrorBody(err) };
  }
}
