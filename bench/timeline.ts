/** One sample of a scenario's run: records done so far and the Salesforce budget used. */
export interface Sample {
  /** Seconds since the scenario started. */
  t: number;
  /** Records done (e.g. events in Mixpanel) in this scenario so far. */
  records: number;
  /** Records per second since the previous sample. */
  recordsPerSecond: number;
  /** Share (%) of the emulated org's daily API requests used. */
  budgetUsedPercent: number;
}

/** A scenario's samples, as the chart draws them. */
export interface Timeline {
  name: string;
  samples: Sample[];
}

/**
 * Samples `probe` about every `everyMs` until stopped: throughput and budget over time, for the
 * chart and the JSON.
 */
export class TimelineSampler {
  readonly timeline: Timeline;
  private readonly started = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    name: string,
    private readonly probe: () => { records: number; budgetUsedPercent: number },
    everyMs = 1000,
  ) {
    this.timeline = { name, samples: [] };
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  stop(): Timeline {
    clearInterval(this.timer);
    this.sample();
    return this.timeline;
  }

  private sample(): void {
    const t = (performance.now() - this.started) / 1000;
    const { records, budgetUsedPercent } = this.probe();
    const previous = this.timeline.samples.at(-1);
    const seconds = previous ? t - previous.t : 0;
    const recordsPerSecond = previous && seconds > 0 ? (records - previous.records) / seconds : 0;
    this.timeline.samples.push({ t, records, recordsPerSecond, budgetUsedPercent });
  }
}
