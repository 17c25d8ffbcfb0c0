import { describe, expect, it } from 'vitest';
import { errorResponse } from '../../src/api/respond.js';
import { ApiError, statusOf } from '../../src/errors.js';
import { PlacementRequestError } from '../../src/scheduler/request.js';

const rendered = (err: unknown) => {
  const { status, body } = errorResponse(err);
  return { status, body: JSON.parse(body.toString('utf8')) as unknown };
};

describe('errorResponse', () => {
  it("renders an error by its kind, from the one table, as Docker's JSON", () => {
    expect(rendered(ApiError.notFound('No such container: x'))).toEqual({
      status: 404,
      body: { message: 'No such container: x' },
    });
    expect(rendered(new PlacementRequestError('json: bad'))).toEqual({
      status: statusOf('invalid'),
      body: { message: 'json: bad' },
    });
    expect(statusOf('invalid')).toBe(400);
  });

  it('treats a kind it does not know as an internal error', () => {
    const odd = Object.assign(new Error('odd'), { kind: 'weird' });
    expect(rendered(odd).status).toBe(500);
  });
});
