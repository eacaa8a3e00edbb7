/**
 * Streams grouped by a key (a conversation, a session, an address), where
 * most groups hold one stream: a lone member is kept as it is, a Set only
 * from the second one on (issue 22 item 4: an empty Set and its table are
 * ~0.15 KB, and every open stream sat in three of them).
 */
export type Group<T extends object> = T | Set<T>;

export function groupSize<T extends object>(group: Group<T> | undefined): number {
  if (group === undefined) return 0;
  return group instanceof Set ? group.size : 1;
}

/** The members as an array of their own: callers may add or remove while they go through it. */
export function members<T extends object>(group: Group<T> | undefined): T[] {
  if (group === undefined) return [];
  return group instanceof Set ? [...group] : [group];
}

export function addMember<T extends object>(map: Map<string, Group<T>>, key: string, value: T): void {
  const group = map.get(key);
  if (group === undefined) map.set(key, value);
  else if (group instanceof Set) group.add(value);
  else if (group !== value) map.set(key, new Set([group, value]));
}

/** Takes `value` out of its group; returns whether it was there. */
export function removeMember<T extends object>(map: Map<string, Group<T>>, key: string, value: T): boolean {
  const group = map.get(key);
  if (group === value) {
    map.delete(key);
    return true;
  }
  if (!(group instanceof Set) || !group.delete(value)) return false;
  if (group.size === 1) map.set(key, group.values().next().value!);
  return true;
}
