// The `workbench` object the renderer uses, built over any transport. It is generic over the
// contract, so adding a method to api/contract.ts adds it here with its types.
import { ApiError, METHOD_NAMES, type Input, type MethodName, type Output, type Reply } from './contract';
import type { EventListener } from './events';

/** What a transport must provide: one envelope-returning call and an event subscription. */
export interface Transport {
  invoke(method: MethodName, input: unknown): Promise<Reply<unknown>>;
  subscribe(listener: EventListener): () => void;
}

type Domain<M extends string> = M extends `${infer D}/${string}` ? D : never;
type Verb<M extends string, D extends string> = M extends `${D}/${infer V}` ? V : never;

type MethodFn<M extends MethodName> = (input: Input<M>) => Promise<Output<M>>;

/** `workbench.runs.list({...})` for the contract method `runs/list`, and so on. */
export type WorkbenchApi = {
  [D in Domain<MethodName>]: {
    [V in Verb<MethodName, D>]: MethodFn<Extract<`${D}/${V}`, MethodName>>;
  };
} & { subscribe(listener: EventListener): () => void };

export function createWorkbench(transport: Transport): WorkbenchApi {
  const api: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  for (const name of METHOD_NAMES) {
    const [domain, verb] = name.split('/') as [string, string];
    (api[domain] ??= {})[verb] = async (input: unknown) => unwrap(await transport.invoke(name, input ?? {}));
  }
  return Object.assign(api, { subscribe: (l: EventListener) => transport.subscribe(l) }) as unknown as WorkbenchApi;
}

function unwrap<T>(reply: Reply<T>): T {
  if (reply.ok) return reply.data;
  throw new ApiError(reply.error.code, reply.error.message, reply.error.fieldErrors);
}
