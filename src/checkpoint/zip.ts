/**
 * The zip layer of PyTorch checkpoints, read from the central directory (PyTorch's writer
 * sets the data-descriptor flag, so local headers carry no sizes). Stored entries, the norm
 * in torch.save files (aligned to 64 bytes so tensors can be viewed in place), are returned
 * as views into the file; deflated ones are inflated by fflate into a buffer of the declared
 * size. Every offset is checked against the file, every loop bounded by the entry count.
 */
import { inflateSync } from 'fflate';
import { CheckpointError } from './types';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** A torch.save file has a few entries per tensor; a ConvNeXt-XL has ~350 tensors. */
const MAX_ENTRIES = 100_000;

const corrupt = (why: string) => new CheckpointError(`This PyTorch checkpoint is truncated or corrupted: ${why}.`);

export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function u64(view: DataView, at: number): number {
  const v = view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
  if (!Number.isSafeInteger(v)) throw corrupt('a zip64 field is out of range');
  return v;
}

export class ZipArchive {
  readonly entries = new Map<string, ZipEntry>();
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let { count, cdOffset, cdSize, eocdAt } = this.endOfDirectory();
    // zip64: the 32-bit fields saturate and the real values sit in a record just before.
    if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) {
      const locator = eocdAt - 20;
      if (locator < 0 || this.view.getUint32(locator, true) !== ZIP64_LOCATOR) throw corrupt('its zip64 directory is missing');
      const record = u64(this.view, locator + 8);
      if (record + 56 > bytes.length || this.view.getUint32(record, true) !== ZIP64_EOCD) throw corrupt('its zip64 directory is damaged');
      count = u64(this.view, record + 32);
      cdSize = u64(this.view, record + 40);
      cdOffset = u64(this.view, record + 48);
    }
    if (count > MAX_ENTRIES || cdOffset + cdSize > bytes.length) throw corrupt('its zip directory points past the end of the file');
    this.readDirectory(count, cdOffset, cdOffset + cdSize);
  }

  private endOfDirectory() {
    // The end record is 22 bytes plus a comment of up to 65535: search back that far only.
    const last = this.bytes.length - 22;
    const first = Math.max(0, last - 65535);
    for (let at = last; at >= first; at--) {
      if (this.view.getUint32(at, true) === EOCD) {
        return { count: this.view.getUint16(at + 10, true), cdSize: this.view.getUint32(at + 12, true), cdOffset: this.view.getUint32(at + 16, true), eocdAt: at };
      }
    }
    throw corrupt('its zip directory is missing (the end of the file is cut off)');
  }

  private readDirectory(count: number, start: number, end: number): void {
    let at = start;
    for (let i = 0; i < count; i++) {
      if (at + 46 > end || this.view.getUint32(at, true) !== CENTRAL) throw corrupt('its zip directory is damaged');
      const nameLength = this.view.getUint16(at + 28, true);
      const extraLength = this.view.getUint16(at + 30, true);
      const commentLength = this.view.getUint16(at + 32, true);
      const next = at + 46 + nameLength + extraLength + commentLength;
      if (next > end) throw corrupt('its zip directory is damaged');
      const entry: ZipEntry = {
        name: new TextDecoder().decode(this.bytes.subarray(at + 46, at + 46 + nameLength)),
        method: this.view.getUint16(at + 10, true),
        compressedSize: this.view.getUint32(at + 20, true),
        size: this.view.getUint32(at + 24, true),
        localHeaderOffset: this.view.getUint32(at + 42, true),
      };
      this.applyZip64(entry, at + 46 + nameLength, extraLength);
      this.entries.set(entry.name, entry);
      at = next;
    }
  }

  /** Saturated sizes and offsets are in the zip64 extra field (id 1), in this order, only those saturated. */
  private applyZip64(entry: ZipEntry, extraAt: number, extraLength: number): void {
    const fields = (['size', 'compressedSize', 'localHeaderOffset'] as const).filter((k) => entry[k] === 0xffffffff);
    if (fields.length === 0) return;
    let at = extraAt;
    const end = extraAt + extraLength;
    while (at + 4 <= end) {
      const id = this.view.getUint16(at, true);
      const length = this.view.getUint16(at + 2, true);
      if (id === 1 && at + 4 + fields.length * 8 <= end) {
        fields.forEach((k, i) => (entry[k] = u64(this.view, at + 4 + i * 8)));
        return;
      }
      at += 4 + length;
    }
    throw corrupt(`the zip entry ${entry.name} lacks its zip64 sizes`);
  }

  /** The entry's bytes: a view into the file when stored, a fresh buffer when deflated. */
  read(entry: ZipEntry, maxBytes: number): Uint8Array {
    const at = entry.localHeaderOffset;
    if (at + 30 > this.bytes.length || this.view.getUint32(at, true) !== LOCAL) throw corrupt(`the zip entry ${entry.name} is damaged`);
    const dataAt = at + 30 + this.view.getUint16(at + 26, true) + this.view.getUint16(at + 28, true);
    if (dataAt + entry.compressedSize > this.bytes.length) throw corrupt(`the zip entry ${entry.name} runs past the end of the file`);
    const raw = this.bytes.subarray(dataAt, dataAt + entry.compressedSize);
    if (entry.size > maxBytes) throw corrupt(`the zip entry ${entry.name} claims ${entry.size} bytes`);
    if (entry.method === 0) {
      if (entry.size !== entry.compressedSize) throw corrupt(`the zip entry ${entry.name} has two sizes`);
      return raw;
    }
    if (entry.method !== 8) throw new CheckpointError(`This PyTorch checkpoint uses zip compression method ${entry.method}, which ConvLens cannot read (stored and deflate only).`);
    let out: Uint8Array;
    try {
      out = inflateSync(raw, { out: new Uint8Array(entry.size) });
    } catch {
      throw corrupt(`the compressed zip entry ${entry.name} is damaged`);
    }
    if (out.length !== entry.size) throw corrupt(`the compressed zip entry ${entry.name} is damaged`);
    return out;
  }
}
