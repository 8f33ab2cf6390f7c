// Moleculer's NATS transporter for the nats@2 client. moleculer 0.14.6 (the version installed)
// still calls the nats@1 API (`client.on(...)`, callback publish) and fails to connect with nats@2
// ("client.on is not a function"); later 0.14 releases added a nats@2 path. This subclass is that
// path: same topics, same packets, same queue-group balancing, only the client calls differ.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Transporters } = require('moleculer');
const { PACKET_REQUEST, PACKET_EVENT } = require('moleculer/src/packets');
const { connect } = require('nats');

// nats@2 hands over Uint8Array; Moleculer's serializers expect a Buffer (a view, not a copy).
const asBuffer = (data) => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

export class Nats2Transporter extends Transporters.NATS {
  async connect() {
    this.client = await connect({ servers: this.opts.servers ?? '127.0.0.1:4222', maxReconnectAttempts: -1 });
    return this.onConnected();
  }

  async disconnect() {
    if (!this.client) return;
    const c = this.client;
    this.client = null;
    await c.flush();
    await c.close();
  }

  subscribe(cmd, nodeID) {
    this.client.subscribe(this.getTopicName(cmd, nodeID), { callback: (_err, msg) => this.receive(cmd, asBuffer(msg.data)) });
    return Promise.resolve();
  }

  subscribeBalancedRequest(action) {
    const topic = `${this.prefix}.${PACKET_REQUEST}B.${action}`;
    this.subscriptions.push(this.client.subscribe(topic, { queue: action, callback: (_err, msg) => this.receive(PACKET_REQUEST, asBuffer(msg.data)) }));
  }

  subscribeBalancedEvent(event, group) {
    const topic = `${this.prefix}.${PACKET_EVENT}B.${group}.${event}`.replace(/\*\*.*$/g, '>');
    this.subscriptions.push(this.client.subscribe(topic, { queue: group, callback: (_err, msg) => this.receive(PACKET_EVENT, asBuffer(msg.data)) }));
  }

  unsubscribeFromBalancedCommands() {
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions = [];
    return this.client.flush();
  }

  send(topic, data) {
    // nats@2 buffers and flushes by itself; publish has no callback.
    this.client?.publish(topic, data);
    return Promise.resolve();
  }
}
