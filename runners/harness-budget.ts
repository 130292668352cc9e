/** The share of a core the design allows the harness while it measures (docs/architecture.md, §self-audit). */
export const harnessBudgetCores = 0.05;
