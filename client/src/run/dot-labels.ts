/**
 * Where a moving dot writes its message's name: beside the dot, on the first
 * side (above right, below right, above left, below left) where the name
 * covers none of the picture's boxes and none of the binding keys written on
 * its arrows, so their titles, counts, keys and the lines under them stay
 * readable. A name that would cover one on every side is not written until
 * its dot is clear of it.
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

/** Part of the picture a dot's name must leave readable. */
export interface Area {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** How wide the pill of an arrow's label (a binding key) is for this many characters. */
export function edgeLabelWidth(characters: number): number {
  return characters * CHAR_WIDTH + 12;
}

/** Height of an arrow's label's pill. */
export const EDGE_LABEL_HEIGHT = 22;

/** What a dot's name must leave readable: the boxes with the lines under them, and the arrows' labels (`scale`d about their centres). */
export function areasToKeepClear(nodes: readonly LaidNode[], edgeLabels: readonly { at: Point; characters: number }[], scale = 1): Area[] {
  return [
    ...nodes.map(boxOf),
    ...edgeLabels.map(({ at, characters }) => {
      const halfWidth = (edgeLabelWidth(characters) * scale) / 2 + CLEARANCE;
      const halfHeight = (EDGE_LABEL_HEIGHT * scale) / 2 + CLEARANCE;
      return { left: at.x - halfWidth, right: at.x + halfWidth, top: at.y - halfHeight, bottom: at.y + halfHeight };
    }),
  ];
}

/**
 * The first side where a name of this many characters, beside a dot at `at`, covers none of `keepClear`; undefined
 * when every side does. `textScale` is the name's type size over the usual 13 px (presenter mode writes it larger).
 */
export function placeDotLabel(at: Point, characters: number, keepClear: readonly Area[], textScale = 1): DotLabelPlace | undefined {
  const width = characters * CHAR_WIDTH * textScale;
  const places = SIDES.map((side) => ({ ...side, y: side.y > 0 ? Math.round(side.y * textScale) : side.y }));
  return places.find((side) => {
    const left = at.x + (side.anchor === 'start' ? side.x : side.x - width);
    const top = at.y + side.y - ASCENT * textScale;
    const label = { left, right: left + width, top, bottom: at.y + side.y + DESCENT * textScale };
    return keepClear.every((area) => !overlaps(label, area));
  });
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
