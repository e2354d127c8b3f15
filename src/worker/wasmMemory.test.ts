import { afterAll, describe, expect, it } from 'vitest';
import { countWasmMemory, wasmMemoryBytes } from './wasmMemory';

const NativeMemory = WebAssembly.Memory;
afterAll(() => {
  WebAssembly.Memory = NativeMemory;
});

describe('WebAssembly memory counter', () => {
  it('changes nothing until installed (production), then counts every new memory', () => {
    new WebAssembly.Memory({ initial: 1 });
    expect(WebAssembly.Memory).toBe(NativeMemory);
    expect(wasmMemoryBytes()).toBe(0);

    countWasmMemory();
    countWasmMemory(); // once per worker: a second call must not count twice
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 4 });
    expect(memory).toBeInstanceOf(WebAssembly.Memory);
    expect(memory).toBeInstanceOf(NativeMemory);
    expect(wasmMemoryBytes()).toBe(2 * 65536);
    memory.grow(1);
    expect(wasmMemoryBytes()).toBe(3 * 65536);
  });
});
