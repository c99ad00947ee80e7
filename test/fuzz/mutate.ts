import type { Random } from './random.js';

/** Ways a well-formed frame gets broken, each a different class of bad input. */
const mutations: readonly ((frame: Buffer, random: Random) => Buffer)[] = [
  // flip a few bytes anywhere, including the header and the frame-end octet
  (frame, random) => {
    const copy = Buffer.from(frame);
    for (let i = 0, n = 1 + random.below(4); i < n; i++) copy[random.below(copy.length)] = random.below(256);
    return copy;
  },
  // truncate: the size field promises more than arrives
  (frame, random) => frame.subarray(0, random.below(frame.length)),
  // lie about the payload size
  (frame, random) => {
    const copy = Buffer.from(frame);
    if (copy.length >= 7) copy.writeUInt32BE(random.pick([0, 1, copy.length, 0x7fffffff, 0xffffffff, random.below(1 << 20)]), 3);
    return copy;
  },
  // an unknown or out-of-place frame type
  (frame, random) => {
    const copy = Buffer.from(frame);
    copy[0] = random.pick([0, 2, 3, 4, 7, 8, 9, 65, 206, 255]);
    return copy;
  },
  // a channel that was never opened, or channel 0 for a channel method
  (frame, random) => {
    const copy = Buffer.from(frame);
    if (copy.length >= 3) copy.writeUInt16BE(random.pick([0, 1, 2, 7, 2047, 2048, 65535]), 1);
    return copy;
  },
  // garbage appended inside the payload, frame-end kept
  (frame, random) => {
    const extra = random.bytes(1 + random.below(32));
    const copy = Buffer.concat([frame.subarray(0, frame.length - 1), extra, Buffer.from([0xce])]);
    if (copy.length >= 7) copy.writeUInt32BE(copy.length - 8, 3);
    return copy;
  },
  // pure noise
  (_frame, random) => random.bytes(1 + random.below(64)),
];

/** A broken copy of `frame`. */
export function mutateFrame(frame: Buffer, random: Random): Buffer {
  return random.pick(mutations)(frame, random);
}
