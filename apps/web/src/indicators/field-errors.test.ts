import { describe, expect, it } from 'vitest';
import { fieldErrorsFromMessage } from './field-errors.ts';

describe('field errors from the API message', () => {
  it('splits per field, keeping messages that contain colons and semicolons-free text intact', () => {
    const msg =
      'invalid params for stoch: kPeriod: Too small: expected number to be >=1; dPeriod: Invalid input: expected int, received number';
    expect(fieldErrorsFromMessage(msg, ['kPeriod', 'kSmoothing', 'dPeriod'])).toEqual({
      kPeriod: 'Too small: expected number to be >=1',
      dPeriod: 'Invalid input: expected int, received number',
    });
  });

  it('puts whole-params problems under the empty field', () => {
    expect(fieldErrorsFromMessage('invalid params for rsi: (params): Unrecognized key: "foo"', ['period'])).toEqual({
      '': 'Unrecognized key: "foo"',
    });
  });

  it('is not fooled by other errors', () => {
    expect(fieldErrorsFromMessage('rsi(14) needs at least 15 candles', ['period'])).toBeNull();
  });
});
