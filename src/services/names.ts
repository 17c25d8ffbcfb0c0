// A name for a service created without one, as the engine gives one (`<adjective>_<noun>`): Shoal's own
// words, drawn with the caller's random numbers.
const ADJECTIVES = [
  'amber',
  'brave',
  'calm',
  'deep',
  'eager',
  'fair',
  'gentle',
  'hardy',
  'idle',
  'jolly',
  'keen',
  'lucid',
  'mellow',
  'nimble',
  'odd',
  'proud',
  'quiet',
  'rapid',
  'steady',
  'tidy',
  'upbeat',
  'vivid',
  'warm',
  'young',
];
const NOUNS = [
  'anchor',
  'beacon',
  'current',
  'delta',
  'estuary',
  'fjord',
  'gull',
  'harbor',
  'inlet',
  'jetty',
  'kelp',
  'lagoon',
  'marlin',
  'narwhal',
  'otter',
  'pier',
  'quay',
  'reef',
  'shoal',
  'tide',
  'urchin',
  'wave',
  'wharf',
];

/** A name not in `taken` (a number is added when the words alone are taken). */
export function randomServiceName(rng: () => number, taken: (name: string) => boolean): string {
  const pick = (list: readonly string[]) => list[Math.floor(rng() * list.length)] ?? list[0];
  for (let i = 0; ; i++) {
    const name = `${pick(ADJECTIVES)}_${pick(NOUNS)}${i < 10 ? '' : String(i)}`;
    if (!taken(name)) return name;
  }
}
