import { FixedWindowCounter } from './fixed-window-counter';

describe('FixedWindowCounter', () => {
  let now = 1_000_000;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('counts per key within a window and starts over when it ends', () => {
    const counter = new FixedWindowCounter(1000, 10, clock);
    expect(counter.add('a').count).toBe(1);
    expect(counter.add('a').count).toBe(2);
    expect(counter.add('b').count).toBe(1);
    expect(counter.peek('a')).toEqual({ count: 2, resetAt: 1_001_000 });
    now += 1000;
    expect(counter.peek('a')).toBeUndefined();
    expect(counter.add('a')).toEqual({ count: 1, resetAt: 1_002_000 });
  });

  it('never holds more than its maximum of keys, dropping the window nearest its end', () => {
    const counter = new FixedWindowCounter(60_000, 100, clock);
    for (let i = 0; i < 10_000; i++) {
      counter.add(`10.0.${i >> 8}.${i & 255}`);
      now += 1;
    }
    expect(counter.size).toBe(100);
    expect(counter.peek('10.0.0.0')).toBeUndefined();
    expect(counter.peek('10.0.39.15')?.count).toBe(1);
  });

  it('drops ended windows as calls arrive, without a timer', () => {
    const counter = new FixedWindowCounter(100, 1000, clock);
    for (let i = 0; i < 50; i++) counter.add(`k${i}`);
    now += 100;
    for (let i = 0; i < 50; i++) counter.add(`fresh${i}`);
    expect(counter.size).toBe(50);
  });
});
