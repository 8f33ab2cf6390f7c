// One error type: the configuration's and the framed protocol's refusals are SurgeErrors with a
// code, so whatever catches them reads a code; their own classes only say where they came from
// (a ConfigError exits the process with status 2; a ProtocolError closes the connection).
import { describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { ConfigError, loadConfig } from '../app/config/load.js';
import { BodyReader, ProtocolError } from '../packages/kit/rpc/framed/frame.js';

describe('one error type', () => {
  it('a bad setting is a ConfigError that is a SurgeError InvalidArgument, kept as it is by SurgeError.from', () => {
    let caught: unknown;
    try {
      loadConfig({ env: { PORT: 'not-a-port' } });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught).toBeInstanceOf(SurgeError);
    expect((caught as SurgeError).code).toBe(Code.InvalidArgument);
    expect((caught as Error).name).toBe('ConfigError');
    expect(SurgeError.from(caught)).toBe(caught);
    // The cause of a file that cannot be read rides along, as with any SurgeError.
    const cause = new Error('EACCES');
    expect(new ConfigError('config file x cannot be read', { cause }).cause).toBe(cause);
  });

  it('a broken frame is a ProtocolError that is a SurgeError with the code GOAWAY carries', () => {
    let caught: unknown;
    try {
      new BodyReader(Buffer.alloc(2), 0, 2).u32();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
    expect(caught).toBeInstanceOf(SurgeError);
    expect((caught as SurgeError).code).toBe(Code.InvalidArgument);
    expect((caught as Error).name).toBe('ProtocolError');
    expect(SurgeError.from(caught)).toBe(caught);
  });
});
