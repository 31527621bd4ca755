/** Metrics a chart picks first when a result has them, best known first. */
export const PREFERRED_METRICS = ["sharpe", "total_return", "cagr", "score", "share_above"];
