/**
 * The seeded random numbers of the sample data (`forus-audit seed`) and of the benchmark's data
 * set: Math.random cannot be seeded, and both must give the same data for the same seed on every
 * machine and every run. mulberry32, a tiny 32-bit generator: the quality is ample for picking
 * states, times and ids. Here because both consumers already depend on @forusbots/queries and it
 * imports nothing, so it sits at the bottom of the package's layers.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** A whole number in [min, max], both ends included. */
  int(min: number, max: number): number;
  /** A float in [min, max). */
  between(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** A version-4 UUID made of the generator's bits, so ids repeat from run to run. */
  uuid(): string;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    between: (min, max) => min + next() * (max - min),
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error("pick from an empty list");
      return item;
    },
    chance: (p) => next() < p,
    uuid: () => {
      const bytes = Array.from({ length: 16 }, () => int(0, 255));
      // The version nibble is 4 and the variant bits 10 (RFC 9562).
      bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
      bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
      const hex = bytes.map((byte) => byte.toString(16).padStart(2, "0")).join("");
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
  };
}

/** Turns `--seed` text into the generator's 32-bit seed: numbers as themselves, words hashed. */
export function seedFromText(text: string): number {
  if (/^\d+$/.test(text)) return Number(BigInt(text) % 4_294_967_296n);
  // FNV-1a, so `--seed demo` works as well as `--seed 42`.
  let hash = 0x811c9dc5;
  for (const char of text) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
