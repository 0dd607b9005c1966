/** Response shapes of the internal API (what `ok` holds). */
export type Name = string | Uint8Array;

export interface StartedWorkView {
  spec: Name;
  key: Name;
  data: Uint8Array;
  attemptId: string;
  expiresAt: number;
}

export interface SpecSummary {
  name: Name;
  counts: Record<number, number>;
  status: number;
  priority: number;
  weight: number;
}
