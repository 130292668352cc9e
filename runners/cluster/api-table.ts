import type { KubeConfig } from '@kubernetes/client-node';
import { apiGet } from './api-get.ts';

/**
 * The apiserver's table view of a list (the columns `kubectl get` prints), without the objects: a few hundred
 * bytes a row where whole nodes are ~3 KB, for counts the harness takes while it measures.
 */
export interface ApiTable {
  readonly columnDefinitions: readonly { readonly name: string }[];
  readonly rows: readonly { readonly cells: readonly unknown[] }[];
}

/** GET `path` (a list, with includeObject=None) as a table. */
export async function apiTable(kc: KubeConfig, path: string, timeoutMs: number): Promise<ApiTable> {
  const text = await apiGet(kc, path, timeoutMs, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
  return JSON.parse(text) as ApiTable;
}

/** Each row's cell in the column named `name`; an error naming `what` if the table has no such column. */
export function tableColumn(table: ApiTable, name: string, what: string): unknown[] {
  const k = table.columnDefinitions.findIndex((c) => c.name === name);
  if (k < 0) throw new Error(`the apiserver's ${what} table has no ${name} column`);
  return table.rows.map((r) => r.cells[k]);
}
