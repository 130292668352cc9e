/** The label on every object a run creates, valued with the run's id: cleanup and watches select on it. */
export const runLabel = 'scalelab.io/run';
