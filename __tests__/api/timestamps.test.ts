import { tasksCreatedEmf, tasksCreatedEmfLine } from '../../api/src/observability/emf';
import { toIso } from '../../api/src/db/database';

describe('timestamps as the API shows them (ISO 8601, UTC, milliseconds)', () => {
  it.each([
    ['2030-01-02 03:04:05.678', '2030-01-02T03:04:05.678Z'], // MySQL DATETIME(3) text
    ['2030-01-02 03:04:05', '2030-01-02T03:04:05.000Z'], // DATETIME without fraction
    ['2030-01-02 03:04:05.5', '2030-01-02T03:04:05.500Z'],
    ['2030-01-02 03:04:05.123456', '2030-01-02T03:04:05.123Z'], // DATETIME(6) truncates
    ['2030-01-02T03:04:05.678Z', '2030-01-02T03:04:05.678Z'], // SQLite ISO text as is
    [new Date(Date.UTC(2030, 0, 2, 3, 4, 5, 678)), '2030-01-02T03:04:05.678Z'],
    [Date.UTC(2030, 0, 2, 3, 4, 5, 678), '2030-01-02T03:04:05.678Z'],
  ])('%p -> %s', (input, expected) => {
    expect(toIso(input)).toBe(expected);
  });
});

describe('the TasksCreated EMF line', () => {
  it('the prebuilt line is exactly the serialised EMF object', () => {
    const at = new Date(Date.UTC(2030, 0, 1));
    expect(JSON.parse(tasksCreatedEmfLine(42, at, 'req-"1'))).toEqual(tasksCreatedEmf(42, at, 'req-"1'));
    expect(JSON.parse(tasksCreatedEmfLine(7, at))).toEqual(tasksCreatedEmf(7, at));
  });
});
