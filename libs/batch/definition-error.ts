import { ValidationError } from '@passerine/core';

/** A definition refused: the file, the field and why, as one line (`file: field: reason`). */
export class DefinitionError extends ValidationError {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${file}: ${field}: ${reason}`, { file, field, reason });
  }
}
