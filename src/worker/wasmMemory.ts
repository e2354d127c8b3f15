/**
 * Counts the WebAssembly memory onnxruntime allocates, for the memory soak test
 * (`npm run soak`): onnxruntime-web keeps its Emscripten module private, so the one
 * place to see its heap is the WebAssembly.Memory constructor. Imported by the
 * worker before onnxruntime is, so every memory it creates is seen. The wrapper only
 * records; `instanceof WebAssembly.Memory` keeps working through the proxy.
 */
const memories: WebAssembly.Memory[] = [];

const NativeMemory = WebAssembly.Memory;
WebAssembly.Memory = new Proxy(NativeMemory, {
  construct(target, args: [WebAssembly.MemoryDescriptor], newTarget) {
    const memory = Reflect.construct(target, args, newTarget) as WebAssembly.Memory;
    memories.push(memory);
    return memory;
  },
});

/** Current size in bytes of every WebAssembly memory created so far (they only grow). */
export function wasmMemoryBytes(): number {
  return memories.reduce((sum, m) => sum + m.buffer.byteLength, 0);
}
