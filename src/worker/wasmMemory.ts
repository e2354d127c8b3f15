/**
 * Counts the WebAssembly memory onnxruntime allocates, for the memory soak test
 * (`npm run soak`): onnxruntime-web keeps its Emscripten module private, so the one
 * place to see its heap is the WebAssembly.Memory constructor. A test hook, so it is
 * installed only in a worker started from a `?debug` page, before onnxruntime is first
 * imported (every memory it creates is then seen); production keeps the native
 * constructor. The wrapper only records; `instanceof WebAssembly.Memory` keeps working
 * through the proxy.
 */
const memories: WebAssembly.Memory[] = [];
let counting = false;

/** Wraps WebAssembly.Memory so each new memory is recorded; once per worker. */
export function countWasmMemory(): void {
  if (counting) return;
  counting = true;
  const NativeMemory = WebAssembly.Memory;
  WebAssembly.Memory = new Proxy(NativeMemory, {
    construct(target, args: [WebAssembly.MemoryDescriptor], newTarget) {
      const memory = Reflect.construct(target, args, newTarget) as WebAssembly.Memory;
      memories.push(memory);
      return memory;
    },
  });
}

/** Current size in bytes of every WebAssembly memory created since counting began (they only grow). */
export function wasmMemoryBytes(): number {
  return memories.reduce((sum, m) => sum + m.buffer.byteLength, 0);
}
