/**
 * CRC-32 (the one zlib computes) of a range of bytes. Node's zlib.crc32
 * costs about 2.5 µs a call whatever the size, more than a small message
 * record is worth, so small ranges are summed here with a lookup table and
 * large ones by zlib.
 */
import { crc32 } from 'node:zlib';

const TABLE = new Int32Array(256);
for (let byte = 0; byte < 256; byte++) {
  let value = byte;
  for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  TABLE[byte] = value;
}

/** Below this many bytes the table is faster than a call into zlib. */
const NATIVE_FROM = 4096;

/** CRC-32 of bytes[start, end). */
export function checksum(bytes: Buffer, start: number, end: number): number {
  if (end - start >= NATIVE_FROM) return crc32(bytes.subarray(start, end));
  let crc = -1;
  for (let i = start; i < end; i++) crc = (TABLE[(crc ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
