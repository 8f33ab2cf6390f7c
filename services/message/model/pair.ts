/** The conversation of two users, in either direction: the smaller id first. */
export interface Pair {
  readonly low_id: number;
  readonly high_id: number;
}

export const pairOf = (a: number, b: number): Pair => (a < b ? { low_id: a, high_id: b } : { low_id: b, high_id: a });
