import cliProgress from 'cli-progress';

/** One scenario's count of records done, as the progress display shows it. */
export interface Tracker {
  update(done: number): void;
  stop(): void;
}

/**
 * Progress on stderr: a bar per running scenario on a terminal; elsewhere (CI, a pipe) a line per
 * scenario every few seconds, so that a log shows the bench is alive without drowning in redraws.
 */
export class Progress {
  private readonly bars: cliProgress.MultiBar | undefined;
  private readonly lines = new Map<string, { done: number; total: number; unit: string }>();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    if (stream.isTTY) {
      this.bars = new cliProgress.MultiBar(
        {
          stream,
          format: '{name} |{bar}| {value}/{total} {unit} {duration}s',
          clearOnComplete: false,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
    } else {
      this.timer = setInterval(() => this.printLines(), 5000);
      this.timer.unref();
    }
  }

  /** Starts tracking `total` records of `name` (e.g. `seed: backlog drained`). */
  track(name: string, total: number, unit = 'records'): Tracker {
    if (this.bars) {
      const bar = this.bars.create(total, 0, { name: name.padEnd(36), unit });
      return {
        update: (done) => bar.update(Math.min(done, total)),
        stop: () => bar.stop(),
      };
    }
    this.stream.write(`bench: ${name}: started, ${total} ${unit}\n`);
    const line = { done: 0, total, unit };
    this.lines.set(name, line);
    return {
      update: (done) => {
        line.done = done;
      },
      stop: () => {
        this.lines.delete(name);
        this.stream.write(`bench: ${name}: ${line.done}/${total} ${unit}, done\n`);
      },
    };
  }

  /** A line of its own (e.g. a step that has no count). */
  note(text: string): void {
    if (this.bars) this.bars.log(`${text}\n`);
    else this.stream.write(`bench: ${text}\n`);
  }

  stop(): void {
    this.bars?.stop();
    if (this.timer) clearInterval(this.timer);
  }

  private printLines(): void {
    for (const [name, line] of this.lines)
      this.stream.write(`bench: ${name}: ${line.done}/${line.total} ${line.unit}\n`);
  }
}
