/**
 * Which live frontend adopts the jobs of a dead one: every frontend computes the same answer from
 * the same membership, so exactly one of them reads the log (the fenced append settles any race).
 */
export function chooseAdopter(deadId: string, liveIds: readonly string[]): string | undefined {
  const sorted = [...liveIds].sort();
  if (sorted.length === 0) return undefined;
  let hash = 0;
  for (let i = 0; i < deadId.length; i++) hash = (hash * 31 + deadId.charCodeAt(i)) >>> 0;
  return sorted[hash % sorted.length];
}
