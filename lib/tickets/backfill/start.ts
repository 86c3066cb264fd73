/** What to do with a saved cursor when a start time is given too. */
export type SavedCursorChoice = 'resume' | 'restart';

/** How a run was asked to start: the CLI's `--since` and `--resume` / `--restart`. */
export interface StartRequest {
  /** Unix seconds: export tickets updated since then. */
  startTime?: number;
  /** Required when a cursor is saved from another start time (or an unknown one) and `startTime` is given. */
  savedCursor?: SavedCursorChoice;
}

/** The part of the saved state a start is chosen from. */
export interface SavedStart {
  cursor: string | null;
  updatedAt: string;
  tickets: number;
  /** The start time of the run that saved the cursor; absent from state files written before it was kept. */
  startTime?: number | undefined;
}

/**
 * Where a run starts: the saved cursor, or `startTime` when there is none. `startTime` is the
 * start of the export being continued or begun (unknown for a cursor saved before it was kept);
 * `tickets` counts what earlier runs of the same export delivered.
 */
export type StartPlan = { tickets: number } & (
  { cursor: string; startTime: number | undefined } | { cursor: null; startTime: number }
);

/** The run cannot tell where to start; the message says what to give. */
export class BackfillStartError extends Error {
  override readonly name = 'BackfillStartError';

  /** `conflict`: a saved cursor and another start time, settled by choosing `resume` or `restart`. */
  constructor(
    message: string,
    readonly conflict = false,
  ) {
    super(message);
  }
}

const iso = (unixSeconds: number): string => new Date(unixSeconds * 1000).toISOString();

/**
 * Chooses where a run starts. A saved cursor and another start time contradict each other:
 * resuming would ignore the start time asked for (and skip what came before the old one), and
 * restarting would discard the progress and relay everything again. So the run is refused unless
 * told which one wins. The saved export's own start time is the same command run again: a resume.
 */
export function chooseStart(saved: SavedStart | undefined, request: StartRequest, stateFile: string): StartPlan {
  const { startTime, savedCursor } = request;
  if (savedCursor === 'restart') {
    if (startTime === undefined) throw new BackfillStartError('Restarting needs a start time to restart from.');
    return { cursor: null, startTime, tickets: 0 };
  }
  if (saved === undefined) {
    if (savedCursor === 'resume') throw new BackfillStartError(`Nothing to resume: ${stateFile} does not exist.`);
    if (startTime === undefined)
      throw new BackfillStartError(`No cursor is saved in ${stateFile}: a first run needs a start time.`);
    return { cursor: null, startTime, tickets: 0 };
  }
  if (startTime !== undefined && savedCursor === undefined && saved.startTime !== startTime) {
    const from = saved.startTime === undefined ? 'an unrecorded start time' : iso(saved.startTime);
    throw new BackfillStartError(
      `${stateFile} holds the cursor of an export from ${from} (${saved.tickets} tickets, saved ` +
        `${saved.updatedAt}), and the start time given is ${iso(startTime)}. Choose: resume from the ` +
        'saved cursor (the start time is ignored), or restart from the start time (the cursor is replaced).',
      true,
    );
  }
  const from = saved.startTime ?? startTime;
  if (saved.cursor !== null) return { cursor: saved.cursor, startTime: from, tickets: saved.tickets };
  if (from === undefined)
    throw new BackfillStartError(`${stateFile} holds no cursor yet and no start time: give one to start from.`);
  return { cursor: null, startTime: from, tickets: saved.tickets };
}
