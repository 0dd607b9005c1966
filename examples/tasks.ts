// Functions the examples run on node monitors by module path and export name.
export function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

export async function slowly<T>(ms: number, value: T): Promise<T> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return value;
}
