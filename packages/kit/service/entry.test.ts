// Entries are what every process reads of a service before loading its code: their names must
// be their contracts', the list's names unique, the sections keyed by those names, and a loaded
// module must be the entry's own.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { EchoServiceDefinition } from '#gen/surge/echo/v1/echo';
import { checkServiceList, defineServiceEntry, defineServiceModule, loadEntry, serviceSections, settings } from './index.js';

const invalid = (field: string) => expect.objectContaining({ code: Code.InvalidArgument, details: { field } });
const echoModule = defineServiceModule({ definition: EchoServiceDefinition, migrations: {}, handlers: () => ({ echo: async () => ({ message: '', number: 0, remainingMs: -1 }) }) });
const echoConfig = settings.section({ greeting: settings.str('hi'), times: settings.int(1, 1, 9) });

describe('service entries', () => {
  it('are named after their contract', () => {
    const entry = defineServiceEntry({ name: 'echo', definition: EchoServiceDefinition, config: echoConfig, load: async () => echoModule });
    expect(entry.name).toBe('echo');
    expect(() => defineServiceEntry({ name: 'ekko', definition: EchoServiceDefinition, config: undefined, load: async () => echoModule })).toThrow(invalid('ekko.name'));
  });

  it('make a list with unique names, whose sections are keyed by service name', () => {
    const a = defineServiceEntry({ name: 'echo', definition: EchoServiceDefinition, config: echoConfig, load: async () => echoModule });
    const bare = defineServiceEntry({ name: 'echo', definition: EchoServiceDefinition, config: undefined, load: async () => echoModule });
    expect(() => checkServiceList([a, bare])).toThrow(invalid('services'));
    expect(Object.keys(serviceSections(checkServiceList([a])))).toEqual(['echo']);
    expect(serviceSections(checkServiceList([bare]))).toEqual({});
  });

  it('load only the module they name', async () => {
    const other = defineServiceModule({ definition: { ...EchoServiceDefinition, fullName: 'surge.other.v1.EchoService' }, migrations: {}, handlers: () => ({ echo: async () => ({ message: '', number: 0, remainingMs: -1 }) }) });
    const right = defineServiceEntry({ name: 'echo', definition: EchoServiceDefinition, config: undefined, load: async () => echoModule });
    const wrong = defineServiceEntry({ name: 'echo', definition: EchoServiceDefinition, config: undefined, load: async () => other as never });
    await expect(loadEntry(right)).resolves.toBe(echoModule);
    await expect(loadEntry(wrong)).rejects.toEqual(invalid('echo.load'));
  });

  it('sections refuse unknown keys and default every key', async () => {
    const { Value } = await import('typebox/value');
    expect(Value.Default(echoConfig, {})).toEqual({ greeting: 'hi', times: 1 });
    expect(Value.Check(echoConfig, { greeting: 'x', times: 2, typo: 1 })).toBe(false);
  });
});
