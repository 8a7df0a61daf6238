/**
 * A small, fast, seeded pseudo-random generator (Chris Doty-Humphrey's SFC32) whose whole state is
 * four 32-bit words, so a checkpoint restores it exactly and a replay draws the same numbers.
 * Table functions use it instead of `Math.random`, which can be neither seeded nor saved.
 */
export class SeededRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    // SplitMix32 spreads a small seed over the four words; the first draws are then discarded, as
    // SFC's author advises, so that nearby seeds give unrelated sequences.
    let s = seed >>> 0;
    const mix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = mix();
    this.#b = mix();
    this.#c = mix();
    this.#d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A number in (0, 1): never 0 or 1, for logarithms. */
  nextOpen(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** The state, as plain data. */
  state(): [number, number, number, number] {
    return [this.#a, this.#b, this.#c, this.#d];
  }

  /** Continues from a state {@link state} returned. */
  setState(state: readonly number[]): void {
    if (state.length !== 4) throw new Error(`a SeededRandom state has 4 words, got ${state.length}`);
    [this.#a, this.#b, this.#c, this.#d] = state as [number, number, number, number];
  }
}
