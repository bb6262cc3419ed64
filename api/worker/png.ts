/** PNG checks for what the model returns: we only store bytes that are really a PNG. */

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngInfo {
  readonly width: number;
  readonly height: number;
}

/**
 * Reads the PNG header: the 8-byte signature followed by an IHDR chunk of 13 bytes.
 * Returns undefined when the bytes are not a PNG.
 */
export function readPngHeader(bytes: Uint8Array): PngInfo | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 8 + 8 + 13 + 4) return undefined;
  if (!buf.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  if (buf.readUInt32BE(8) !== 13 || buf.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  if (width === 0 || height === 0) return undefined;
  return { width, height };
}
