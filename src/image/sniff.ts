/**
 * What a file really is, from its first bytes, so that a photo the browser cannot
 * decode gets a message that says why (an iPhone HEIC, a text file renamed .jpg, a
 * download that stopped half-way) instead of a generic "could not decode".
 */

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'avif' | 'heic' | 'tiff' | 'ico' | 'unknown';

/** Bytes of the file head that sniffFormat needs. */
export const SNIFF_BYTES = 32;

function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (bytes.length < at + signature.length) return false;
  return signature.every((b, i) => bytes[at + i] === b);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

// ISO-BMFF brands (the 4 bytes after "ftyp") of HEIF stills and sequences.
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

export function sniffFormat(head: Uint8Array): ImageFormat {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(head, [0x47, 0x49, 0x46, 0x38])) return 'gif';
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && ascii(head, 8, 12) === 'WEBP') return 'webp';
  if (startsWith(head, [0x42, 0x4d])) return 'bmp';
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(head, [0x00, 0x00, 0x01, 0x00])) return 'ico';
  if (head.length >= 12 && ascii(head, 4, 8) === 'ftyp') {
    const brand = ascii(head, 8, 12);
    if (AVIF_BRANDS.has(brand)) return 'avif';
    // mif1 is the generic HEIF brand; AVIF files list "avif" among the compatible brands after it.
    if (HEIC_BRANDS.has(brand)) return ascii(head, 16, Math.min(head.length, 32)).includes('avif') ? 'avif' : 'heic';
  }
  return 'unknown';
}

/**
 * A JPEG whose entropy-coded data never reaches the End Of Image marker. Inside a
 * scan 0xFF is always followed by 0x00 or a restart marker, so the first FFD9 after
 * the first Start Of Scan (FFDA) is the real end; thumbnails embedded in EXIF sit
 * before it and bytes some phones append after it do not matter.
 */
export function jpegIsTruncated(bytes: Uint8Array): boolean {
  let scan = -1;
  for (let i = 2; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0xff) continue;
    const marker = bytes[i + 1]!;
    if (scan < 0) {
      if (marker === 0xda) scan = i;
    } else if (marker === 0xd9) {
      return false;
    }
  }
  return true;
}

/** True when the bytes look like text (a document or a web page saved with an image name). */
function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  let printable = 0;
  for (const b of head) if (b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f) || b >= 0x80) printable++;
  return printable === head.length;
}

const NAMES: Record<Exclude<ImageFormat, 'unknown'>, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  gif: 'GIF',
  webp: 'WebP',
  bmp: 'BMP',
  avif: 'AVIF',
  heic: 'HEIC',
  tiff: 'TIFF',
  ico: 'ICO',
};

export function formatName(format: ImageFormat): string {
  return format === 'unknown' ? 'unknown format' : NAMES[format];
}

const CONVERT = 'Save or export it as JPEG or PNG and try again.';

/** Why the browser could not decode a file, in words for the person who dropped it. */
export function undecodableMessage(format: ImageFormat, head: Uint8Array): string {
  switch (format) {
    case 'unknown':
      return looksLikeText(head)
        ? 'This file is not an image: it contains text (is it a document or a web page saved under an image name?).'
        : 'This file is not an image in a format the browser knows (JPEG, PNG, GIF, WebP, BMP or AVIF).';
    case 'heic':
      return `This is a HEIC photo (the iPhone's default format), which this browser cannot decode. ${CONVERT} On an iPhone, Settings › Camera › Formats › Most Compatible takes JPEGs.`;
    case 'tiff':
      return `This browser cannot decode TIFF images. ${CONVERT}`;
    case 'avif':
      return `This AVIF image could not be decoded by this browser (it may be damaged, or use AVIF features the browser lacks). ${CONVERT}`;
    default:
      return `This ${NAMES[format]} file could not be decoded: it is damaged or incomplete.`;
  }
}

export const TRUNCATED_JPEG_MESSAGE = 'This JPEG is incomplete: its data stops before the end of the image (an unfinished download or copy?). Copy or download it again.';
