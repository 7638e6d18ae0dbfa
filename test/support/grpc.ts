import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_FILES, PROTO_LOADER_OPTIONS } from '../../src/grpc/proto';

export type GrpcOutcome = { code: grpc.status; message: string; response?: any };

const definition = protoLoader.loadSync(PROTO_FILES, PROTO_LOADER_OPTIONS);
const pkg = grpc.loadPackageDefinition(definition) as any;
export const services = pkg.krishiv.coordinator.v1;

const clients = new Map<string, grpc.Client>();

function client(address: string, service: string): any {
  const key = `${address}/${service}`;
  let c = clients.get(key);
  if (!c) {
    c = new services[service](address, grpc.credentials.createInsecure());
    clients.set(key, c as grpc.Client);
  }
  return c;
}

/** One call (unary or server-streaming); resolves with the status code instead of throwing. */
export function callGrpc(
  address: string,
  service: string,
  method: string,
  request: object,
  token?: string,
  rawAuthorization?: string,
): Promise<GrpcOutcome> {
  const metadata = new grpc.Metadata();
  if (rawAuthorization !== undefined) metadata.set('authorization', rawAuthorization);
  else if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  const c = client(address, service);
  const name = method.charAt(0).toLowerCase() + method.slice(1);
  if (services[service].service[method]?.responseStream) {
    // A server stream: `response` is the list of messages received before the status.
    return new Promise((resolve) => {
      const messages: any[] = [];
      const stream = c[name](request, metadata, { deadline: Date.now() + 20_000 });
      stream.on('data', (message: any) => messages.push(message));
      stream.on('error', () => undefined); // the status below carries the outcome
      stream.on('status', (s: grpc.StatusObject) =>
        resolve({
          code: s.code,
          message: s.code === grpc.status.OK ? '' : s.details,
          response: messages,
        }),
      );
    });
  }
  return new Promise((resolve) => {
    c[name](
      request,
      metadata,
      { deadline: Date.now() + 20_000 },
      (err: grpc.ServiceError | null, response: any) => {
        if (err) resolve({ code: err.code, message: err.details ?? err.message });
        else resolve({ code: grpc.status.OK, message: '', response });
      },
    );
  });
}

export function closeGrpcClients(): void {
  for (const c of clients.values()) c.close();
  clients.clear();
}
