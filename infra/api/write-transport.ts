/** The methods a churn writes with. */
export type WriteMethod = 'POST' | 'PATCH' | 'DELETE';

/** How one transport sends a write and gets the answer: all that differs between HTTP/2 and HTTP/1.1. */
export interface Transport {
  /** ApiWrites['transport']. */
  readonly name: 'HTTP/2' | 'HTTP/1.1';
  send(
    method: WriteMethod,
    path: string,
    body: string,
    contentType: string,
  ): Promise<{ status: number; text: string }>;
  close(): void;
}
