import { applyOperation, type OperationName, type Properties } from './operations.js';

/** A user profile, keyed by `distinct_id`. */
export interface Profile {
  distinctId: string;
  properties: Properties;
  /** ISO time of the last update that did not set `$ignore_time` (Mixpanel's "Last Seen"). */
  lastSeen?: string;
}

/** A group profile, keyed by group key and group id. */
export interface GroupProfile {
  groupKey: string;
  groupId: string;
  properties: Properties;
}

/** User and group profiles. Readers get copies, so the held state only changes through updates. */
export class ProfileStore {
  private readonly users = new Map<string, Profile>();
  private readonly groupsByKey = new Map<string, GroupProfile>();

  /** Applies one operation to a user profile; `touchedAt` (epoch ms) updates Last Seen. */
  applyToUser(distinctId: string, name: OperationName, value: unknown, touchedAt: number | undefined): void {
    const held = this.users.get(distinctId);
    const properties = applyOperation(held?.properties, name, value);
    if (!properties) {
      this.users.delete(distinctId);
      return;
    }
    const lastSeen = touchedAt === undefined ? held?.lastSeen : new Date(touchedAt).toISOString();
    this.users.set(distinctId, { distinctId, properties, ...(lastSeen === undefined ? {} : { lastSeen }) });
  }

  applyToGroup(groupKey: string, groupId: string, name: OperationName, value: unknown): void {
    const key = groupMapKey(groupKey, groupId);
    const properties = applyOperation(this.groupsByKey.get(key)?.properties, name, value);
    if (properties) this.groupsByKey.set(key, { groupKey, groupId, properties });
    else this.groupsByKey.delete(key);
  }

  removeUser(distinctId: string): boolean {
    return this.users.delete(distinctId);
  }

  user(distinctId: string): Profile | undefined {
    const held = this.users.get(distinctId);
    return held && structuredClone(held);
  }

  allUsers(): Profile[] {
    return structuredClone([...this.users.values()]);
  }

  group(groupKey: string, groupId: string): GroupProfile | undefined {
    const held = this.groupsByKey.get(groupMapKey(groupKey, groupId));
    return held && structuredClone(held);
  }

  allGroups(): GroupProfile[] {
    return structuredClone([...this.groupsByKey.values()]);
  }

  get userCount(): number {
    return this.users.size;
  }

  get groupCount(): number {
    return this.groupsByKey.size;
  }

  clear(): void {
    this.users.clear();
    this.groupsByKey.clear();
  }
}

function groupMapKey(groupKey: string, groupId: string): string {
  return JSON.stringify([groupKey, groupId]);
}
