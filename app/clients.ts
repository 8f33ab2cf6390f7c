// The RPC clients the gateway calls, from the definitions its routes declare (#gen, never the
// services' code), made by whichever transport this process uses: in-process in the all-in-one
// system, the registry and the network in the gateway process.
import { douyinCalls, type DouyinClients } from '#gateway';
import { connectClients, type ClientMaker } from '#kit/service';

export type GatewayClients = DouyinClients;

export function makeGatewayClients(make: ClientMaker): Promise<GatewayClients> {
  return connectClients(douyinCalls, make);
}
