/**
 * Concurrency caps and rate limits per key (a tenant, an external API) across the whole cluster:
 * the pure budget rules and their shared home, a JetStream KV entry per key changed only by
 * compare-and-set. The bucket is named in libs/subjects.
 */
export {
  type BudgetLimit,
  decideRelease,
  decideRenew,
  decideTake,
  emptyBudget,
  type KeyBudgetState,
  pruned,
  RATE_WINDOW_MS,
  type TakeDecision,
} from './budget.ts';
export { KeyBudgets, type KeyBudgetsOptions, openKeyLimitBucket } from './key-budgets.ts';
