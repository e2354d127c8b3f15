/**
 * A restricted unpickler: a pure interpreter of the pickle opcodes a PyTorch state dict uses
 * (protocols 2 to 5), modelled on torch's own `weights_only` loader. It never runs anything:
 * GLOBAL and STACK_GLOBAL go through `resolveGlobal`, which knows an allow-list and refuses
 * every other name before a single call is made; REDUCE, NEWOBJ and BUILD call only what that
 * resolved. Every opcode consumes at least one byte, so the loop ends with the input.
 */
import { CheckpointError } from './types';

export type PyValue =
  | null | boolean | number | string | Uint8Array
  | PyValue[] | PyTuple | PyDict | PyCallable | PyObject;

/** A Python tuple (frozen array, told apart from a list). */
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** A dict or OrderedDict; attributes set by BUILD (e.g. a state dict's `_metadata`) are ignored. */
export class PyDict {
  readonly items = new Map<string | number, PyValue>();
}

/** Something a resolved global produced, opaque to the interpreter (a tensor, a storage, a dtype). */
export class PyObject {
  constructor(readonly kind: string, readonly value: unknown) {}
}

/** An allow-listed global: the only things REDUCE and NEWOBJ may call. */
export class PyCallable {
  constructor(readonly qualifiedName: string, readonly call: (args: PyValue[]) => PyValue) {}
}

export interface UnpickleHooks {
  /** What `module.name` stands for (a callable or a constant such as a dtype), or throw a CheckpointError naming it. */
  resolveGlobal(module: string, name: string): PyValue;
  /** BINPERSID: PyTorch's reference to a storage in the zip. */
  persistentLoad(pid: PyValue): PyValue;
}

/** The stack and memo may not outgrow this many values (a state dict uses a few per tensor). */
const MAX_STACK = 1_000_000;

class Mark {}
const MARK = new Mark();

const corrupt = (why: string) => new CheckpointError(`This PyTorch checkpoint is corrupted: ${why}.`);

export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks): PyValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const stack: (PyValue | Mark)[] = [];
  const memo = new Map<number, PyValue>();
  let pos = 0;

  const need = (n: number) => {
    if (n < 0 || pos + n > bytes.length) throw corrupt('its pickle ends in the middle of a value');
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = () => bytes[need(1)]!;
  const u16 = () => view.getUint16(need(2), true);
  const u32 = () => view.getUint32(need(4), true);
  const text = (n: number) => {
    const at = need(n);
    try {
      return utf8.decode(bytes.subarray(at, at + n));
    } catch {
      throw corrupt('a string in its pickle is not UTF-8');
    }
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0 || end - pos > 1000) throw corrupt('a global name in its pickle is not terminated');
    return text(end - pos + 1).slice(0, -1);
  };
  const push = (v: PyValue | Mark) => {
    if (stack.length >= MAX_STACK) throw corrupt('its pickle stack grows without end');
    stack.push(v);
  };
  const pop = (): PyValue => {
    const v = stack.pop();
    if (v === undefined || v instanceof Mark) throw corrupt('its pickle pops an empty stack');
    return v;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v instanceof Mark) throw corrupt('its pickle reads an empty stack');
    return v;
  };
  const popMark = (): PyValue[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) throw corrupt('its pickle has no MARK where one is needed');
    const items = stack.splice(at) as PyValue[];
    items.shift();
    return items;
  };
  const memoize = (key: number) => {
    if (memo.size >= MAX_STACK) throw corrupt('its pickle memo grows without end');
    memo.set(key, top());
  };
  const fromMemo = (key: number) => {
    const v = memo.get(key);
    if (v === undefined) throw corrupt(`its pickle refers to memo entry ${key}, which was never stored`);
    push(v);
  };
  const setItems = (dict: PyValue, pairs: PyValue[]) => {
    if (!(dict instanceof PyDict) || pairs.length % 2) throw corrupt('its pickle sets items on something that is not a dict');
    for (let i = 0; i < pairs.length; i += 2) {
      const key = pairs[i]!;
      if (typeof key !== 'string' && typeof key !== 'number') throw corrupt('a dict key in its pickle is not a string or number');
      dict.items.set(key, pairs[i + 1]!);
    }
  };
  const call = (fn: PyValue, args: PyValue) => {
    if (!(fn instanceof PyCallable)) throw corrupt('its pickle calls something that is not an allowed global');
    if (!(args instanceof PyTuple)) throw corrupt(`its pickle calls ${fn.qualifiedName} without an argument tuple`);
    push(fn.call(args.items));
  };

  while (pos < bytes.length) {
    const at = pos;
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: need(8); break; // FRAME: a length hint only
      case 0x2e: { // STOP
        const result = pop();
        return result;
      }
      case 0x28: push(MARK); break;
      case 0x7d: push(new PyDict()); break; // EMPTY_DICT
      case 0x5d: push([]); break; // EMPTY_LIST
      case 0x29: push(new PyTuple([])); break; // EMPTY_TUPLE
      case 0x74: push(new PyTuple(popMark())); break; // TUPLE
      case 0x85: push(new PyTuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); push(new PyTuple([pop(), b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); push(new PyTuple([pop(), b, c])); break; } // TUPLE3
      case 0x6c: push(popMark()); break; // LIST
      case 0x64: { const d = new PyDict(); setItems(d, popMark()); push(d); break; } // DICT
      case 0x61: { const v = pop(); const list = top(); if (!Array.isArray(list)) throw corrupt('its pickle appends to something that is not a list'); list.push(v); break; }
      case 0x65: { const vs = popMark(); const list = top(); if (!Array.isArray(list)) throw corrupt('its pickle appends to something that is not a list'); for (const v of vs) list.push(v); break; }
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const pairs = popMark(); setItems(top(), pairs); break; } // SETITEMS
      case 0x4a: push(view.getInt32(need(4), true)); break; // BININT
      case 0x4b: push(u8()); break; // BININT1
      case 0x4d: push(u16()); break; // BININT2
      case 0x8a: push(long1(bytes.subarray(need(u8()), pos))); break; // LONG1
      case 0x47: push(view.getFloat64(need(8), false)); break; // BINFLOAT (big-endian)
      case 0x4e: push(null); break; // NONE
      case 0x88: push(true); break;
      case 0x89: push(false); break;
      case 0x58: push(text(u32())); break; // BINUNICODE
      case 0x8c: push(text(u8())); break; // SHORT_BINUNICODE
      case 0x8d: { const n = view.getUint32(need(8), true) + view.getUint32(pos - 4, true) * 2 ** 32; push(text(n)); break; } // BINUNICODE8
      case 0x55: push(text(u8())); break; // SHORT_BINSTRING (ASCII in practice)
      case 0x54: push(text(view.getInt32(need(4), true))); break; // BINSTRING
      case 0x43: { const n = u8(); const s = need(n); push(bytes.slice(s, s + n)); break; } // SHORT_BINBYTES
      case 0x42: { const n = u32(); const s = need(n); push(bytes.slice(s, s + n)); break; } // BINBYTES
      case 0x71: memoize(u8()); break; // BINPUT
      case 0x72: memoize(u32()); break; // LONG_BINPUT
      case 0x94: memoize(memo.size); break; // MEMOIZE
      case 0x68: fromMemo(u8()); break; // BINGET
      case 0x6a: fromMemo(u32()); break; // LONG_BINGET
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: push(top()); break; // DUP
      case 0x63: { const module = line(); push(hooks.resolveGlobal(module, line())); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw corrupt('a global name in its pickle is not a string');
        push(hooks.resolveGlobal(module, name));
        break;
      }
      case 0x52: { const args = pop(); call(pop(), args); break; } // REDUCE
      case 0x81: { const args = pop(); call(pop(), args); break; } // NEWOBJ: cls(*args), same allow-list
      case 0x62: { // BUILD: only dicts take state (OrderedDict's _metadata), and it is ignored
        const state = pop();
        const target = top();
        if (!(target instanceof PyDict) && !(target instanceof PyObject)) throw corrupt('its pickle sets the state of something that takes none');
        void state;
        break;
      }
      case 0x51: push(hooks.persistentLoad(pop())); break; // BINPERSID
      default:
        throw new CheckpointError(`This PyTorch checkpoint uses pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at}, which a state dict never needs; nothing was run.`);
    }
  }
  throw corrupt('its pickle ends without STOP');
}

/** LONG1: little-endian two's complement of n bytes; only values a double holds exactly. */
function long1(b: Uint8Array): number {
  if (b.length === 0) return 0;
  if (b.length > 7) throw corrupt('an integer in its pickle is too large');
  let v = 0;
  for (let i = b.length - 1; i >= 0; i--) v = v * 256 + b[i]!;
  if (b[b.length - 1]! & 0x80) v -= 2 ** (8 * b.length);
  return v;
}
