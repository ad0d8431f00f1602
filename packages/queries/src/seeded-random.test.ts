import { describe, expect, it } from "vitest";
import { createRandom, seedFromText } from "./seeded-random.ts";

const draws = (seed: number, count: number) => {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => random.next());
};

describe("the seeded random generator", () => {
  it("gives the same numbers for the same seed, and others for another seed", () => {
    expect(draws(42, 50)).toEqual(draws(42, 50));
    expect(draws(43, 50)).not.toEqual(draws(42, 50));
    // Seeds are 32-bit: 2^32 + 42 is seed 42.
    expect(draws(4_294_967_296 + 42, 5)).toEqual(draws(42, 5));
  });

  it("draws floats in [0, 1) and whole numbers with both ends reachable", () => {
    const random = createRandom(7);
    const ints = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const value = random.next();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      ints.add(random.int(3, 6));
    }
    expect([...ints].sort()).toEqual([3, 4, 5, 6]);
  });

  it("makes version-4 UUIDs (version nibble 4, variant 8-b), all different", () => {
    const random = createRandom(1);
    const ids = Array.from({ length: 500 }, () => random.uuid());
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("picks only from the list, and refuses an empty one", () => {
    const random = createRandom(3);
    for (let i = 0; i < 100; i++) expect(["a", "b"]).toContain(random.pick(["a", "b"]));
    expect(() => random.pick([])).toThrow(/empty list/);
  });
});

describe("seedFromText", () => {
  it("reads digits as the number, modulo 2^32", () => {
    expect(seedFromText("42")).toBe(42);
    expect(seedFromText("4294967297")).toBe(1);
  });

  it("hashes words with 32-bit FNV-1a (the published test vectors)", () => {
    // From the FNV reference test suite: "" → 0x811c9dc5, "a" → 0xe40c292c, "foobar" → 0xbf9cf968.
    expect(seedFromText("a")).toBe(0xe40c292c);
    expect(seedFromText("foobar")).toBe(0xbf9cf968);
  });
});
