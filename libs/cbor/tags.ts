/** The only CBOR tags a Coordinate client understands; it raises on any other. */
export const TAG_EMBEDDED_CBOR = 24;
export const TAG_UUID = 37;
export const TAG_TUPLE = 128;

/** CBOR major types, the top three bits of every initial byte. */
export const MajorType = {
  unsigned: 0,
  negative: 1,
  bytes: 2,
  text: 3,
  array: 4,
  map: 5,
  tag: 6,
  simple: 7,
} as const;
