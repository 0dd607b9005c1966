import { ValidationError } from '@passerine/core';

/** `{name}` placeholders; `{{` and `}}` stand for literal braces. */
const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The placeholder names a template uses, in order of first use. */
export function placeholders(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) if (match[1]) names.add(match[1]);
  return [...names];
}

/** Fills every placeholder; one with no value is refused, naming it and the field it is in. */
export function fill(template: string, values: Readonly<Record<string, string>>, field: string): string {
  return template.replace(PLACEHOLDER, (whole, name: string | undefined) => {
    if (!name) return whole[0];
    const value = values[name];
    if (value === undefined) {
      throw new ValidationError(`${field}: parameter {${name}} has no value`, { field, parameter: name });
    }
    return value;
  });
}
