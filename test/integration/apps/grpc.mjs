// A gRPC server and a client of it in one process (service demo.Echo, bytes in and out).
import grpc from '@grpc/grpc-js';

const { init } = await import(process.env.AMPYOBS_RUNTIME);
const obs = init({ serviceName: 'echo' });
const raw = { serialize: (b) => b, deserialize: (b) => b };
const service = {
  Echo: {
    path: '/demo.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: raw.serialize,
    requestDeserialize: raw.deserialize,
    responseSerialize: raw.serialize,
    responseDeserialize: raw.deserialize,
  },
};
const server = new grpc.Server();
server.addService(service, { Echo: (call, callback) => callback(null, call.request) });
const port = await new Promise((resolve, reject) =>
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
);
const Client = grpc.makeGenericClientConstructor(service, 'Echo');
const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
const reply = await new Promise((resolve, reject) =>
  client.Echo(Buffer.from('ping'), (e, r) => (e ? reject(e) : resolve(r))),
);
process.stdout.write(`reply ${reply.toString()}\n`);
// The client span ends with the call's status, which arrives after the reply.
await new Promise((r) => setTimeout(r, 200));
client.close();
server.forceShutdown();
await obs.shutdown(3000);
