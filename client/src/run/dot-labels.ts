/**
 * Where a moving dot writes its message's name: beside the dot, on the first
 * side (above right, below right, above left, below left) where the name
 * covers none of the picture's boxes, so their titles, counts and the lines
 * under them stay readable. A name that would cover a box on every side is
 * not written until its dot is clear of the box.
 */
import { LINE_HEIGHT, type LaidNode, type Point } from './topology-layout.js';

/** A dot's name placed beside it, in the dot's own coordinates (its centre is 0, 0). */
export interface DotLabelPlace {
  x: number;
  /** The baseline of the text. */
  y: number;
  anchor: 'start' | 'end';
}

/** Width of one character of a dot's name (13px monospace), with a little to spare. */
const CHAR_WIDTH = 8;
/** How far above and below its baseline the name's text (and its halo) reaches. */
const ASCENT = 12;
const DESCENT = 4;
/** Space kept between a name and a box. */
const CLEARANCE = 2;

/** The sides tried, in order: above right first, as names have always been written. */
const SIDES: readonly DotLabelPlace[] = [
  { x: 14, y: -10, anchor: 'start' },
  { x: 14, y: 22, anchor: 'start' },
  { x: -14, y: -10, anchor: 'end' },
  { x: -14, y: 22, anchor: 'end' },
];

/** The first side where a name of this many characters, beside a dot at `at`, covers no box; undefined when every side does. */
export function placeDotLabel(at: Point, characters: number, nodes: readonly LaidNode[]): DotLabelPlace | undefined {
  const width = characters * CHAR_WIDTH;
  return SIDES.find((side) => {
    const left = at.x + (side.anchor === 'start' ? side.x : side.x - width);
    const top = at.y + side.y - ASCENT;
    const label = { left, right: left + width, top, bottom: at.y + side.y + DESCENT };
    return nodes.every((node) => !overlaps(label, boxOf(node)));
  });
}

interface Area {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** A box and the lines of text under it, with the clearance around them. */
function boxOf(node: LaidNode): Area {
  return {
    left: node.x - CLEARANCE,
    right: node.x + node.width + CLEARANCE,
    top: node.y - CLEARANCE,
    bottom: node.y + node.height + node.below * LINE_HEIGHT + CLEARANCE,
  };
}

function overlaps(a: Area, b: Area): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}
