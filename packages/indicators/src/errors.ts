/** Base of every error this package throws on purpose. */
export class IndicatorError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

export class UnknownIndicatorError extends IndicatorError {
  readonly indicator: string;
  constructor(indicator: string, known: readonly string[]) {
    super('UNKNOWN_INDICATOR', `unknown indicator "${indicator}"; known: ${known.join(', ')}`);
    this.indicator = indicator;
  }
}

export interface ParamIssue {
  path: string;
  message: string;
}

export class InvalidParamsError extends IndicatorError {
  readonly issues: ParamIssue[];
  constructor(indicator: string, issues: ParamIssue[]) {
    const detail = issues.map((i) => `${i.path || '(params)'}: ${i.message}`).join('; ');
    super('INVALID_PARAMS', `invalid params for ${indicator}: ${detail}`);
    this.issues = issues;
  }
}

export class NotEnoughDataError extends IndicatorError {
  readonly needed: number;
  readonly got: number;
  constructor(indicator: string, params: string, needed: number, got: number) {
    super('NOT_ENOUGH_DATA', `${indicator}(${params}) needs at least ${needed} candles (lookback ${needed - 1}) for one value, got ${got}`);
    this.needed = needed;
    this.got = got;
  }
}

/** A column holds NaN/±Infinity, or columns differ in length (computeIndicator only; raw kernels propagate NaN). */
export class InvalidInputError extends IndicatorError {
  readonly column: string;
  readonly index: number;
  constructor(column: string, index: number, message: string) {
    super('INVALID_INPUT', message);
    this.column = column;
    this.index = index;
  }
}

/** A serialised streaming state that does not parse or is inconsistent. */
export class InvalidStateError extends IndicatorError {
  constructor(kind: string, message: string) {
    super('INVALID_STATE', `invalid ${kind} state: ${message}`);
  }
}
