/**
 * ACLED's event taxonomy, spelled exactly as ACLED spells it, with a one-line definition per value.
 * Every other part imports event types, sub-event types, disorder types and actor-type (inter) codes
 * from here; nothing re-spells them as string literals elsewhere.
 */

export const EVENT_TYPES = [
  'Battles',
  'Explosions/Remote violence',
  'Violence against civilians',
  'Protests',
  'Riots',
  'Strategic developments',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Sub-event types per event type, with ACLED's definition in one line each. */
export const SUB_EVENT_TYPES = {
  Battles: {
    'Armed clash': 'Armed, organised groups fight each other; no territory changes hands.',
    'Government regains territory': 'State forces or their allies retake territory held by a non-state group.',
    'Non-state actor overtakes territory': 'A non-state group takes territory from state forces or another group.',
  },
  'Explosions/Remote violence': {
    'Chemical weapon': 'Chemical weapons are used.',
    'Air/drone strike': 'Aircraft, helicopters or drones (including loitering/kamikaze drones) strike.',
    'Suicide bomb': 'A suicide bomber or suicide vehicle detonates.',
    'Shelling/artillery/missile attack': 'One-sided ground-launched fire: artillery, mortars, rockets, missiles, tank fire.',
    'Remote explosive/landmine/IED': 'A remotely detonated or victim-activated device: IED, landmine, car bomb, UXO.',
    Grenade: 'A grenade or similar hand-thrown explosive is used.',
  },
  'Violence against civilians': {
    'Sexual violence': 'Sexual violence against civilians.',
    Attack: 'An armed group deliberately harms unarmed civilians (shooting, execution, torture).',
    'Abduction/forced disappearance': 'Civilians are abducted, kidnapped or disappeared, with no further harm reported.',
  },
  Protests: {
    'Peaceful protest': 'Demonstrators gather peacefully and are not met with force.',
    'Protest with intervention': 'A peaceful protest is dispersed or suppressed without lethal force.',
    'Excessive force against protesters': 'Lethal or serious force is used against peaceful protesters.',
  },
  Riots: {
    'Violent demonstration': 'Demonstrators act violently or destructively.',
    'Mob violence': 'A violent mob attacks people or property outside an organised demonstration.',
  },
  'Strategic developments': {
    Agreement: 'Ceasefires, peace deals, prisoner exchanges and similar agreements.',
    Arrests: 'State forces arrest people.',
    'Change to group/activity': 'A group forms, splits, merges, deploys or changes what it does.',
    'Disrupted weapons use': 'A weapon is intercepted, defused or shot down, or a cache seized.',
    'Headquarters or base established': 'A group establishes a base or headquarters.',
    'Looting/property destruction': 'Property is looted, burned or destroyed without an attack on people.',
    'Non-violent transfer of territory': 'Territory changes hands without fighting.',
    Other: 'A significant development that fits no other sub-event type.',
  },
} as const satisfies Record<EventType, Record<string, string>>;

export type SubEventType = {
  [K in EventType]: keyof (typeof SUB_EVENT_TYPES)[K];
}[EventType];

export const ALL_SUB_EVENT_TYPES = Object.values(SUB_EVENT_TYPES).flatMap((m) =>
  Object.keys(m),
) as SubEventType[];

/** The event type a sub-event type belongs to. */
export function eventTypeOf(sub: SubEventType): EventType {
  for (const t of EVENT_TYPES) if (sub in SUB_EVENT_TYPES[t]) return t;
  throw new Error(`unknown sub-event type: ${sub}`);
}

export const DISORDER_TYPES = [
  'Political violence',
  'Demonstrations',
  'Political violence; Demonstrations',
  'Strategic developments',
] as const;
export type DisorderType = (typeof DISORDER_TYPES)[number];

/** ACLED's disorder type for an event type and sub-event type. */
export function disorderTypeOf(type: EventType, sub: SubEventType): DisorderType {
  if (type === 'Strategic developments') return 'Strategic developments';
  if (sub === 'Excessive force against protesters' || sub === 'Mob violence') {
    return 'Political violence; Demonstrations';
  }
  if (type === 'Protests' || type === 'Riots') return 'Demonstrations';
  return 'Political violence';
}

/** ACLED actor-type codes (inter1/inter2). 0 means no actor. */
export const INTER_CODES = {
  0: 'No actor',
  1: 'State forces',
  2: 'Rebel groups',
  3: 'Political militias',
  4: 'Identity militias',
  5: 'Rioters',
  6: 'Protesters',
  7: 'Civilians',
  8: 'External/Other forces',
} as const;
export type InterCode = keyof typeof INTER_CODES;

/** ACLED's interaction code: the two inter codes, smaller first (e.g. 1 and 2 give 12; 1 alone gives 10). */
export function interactionOf(inter1: number, inter2: number): number {
  if (!inter2) return inter1 * 10;
  if (!inter1) return inter2 * 10;
  const [a, b] = inter1 <= inter2 ? [inter1, inter2] : [inter2, inter1];
  return a * 10 + b;
}

/** Event types that count as organised political violence against another party or civilians. */
export const VIOLENT_EVENT_TYPES: readonly EventType[] = [
  'Battles',
  'Explosions/Remote violence',
  'Violence against civilians',
];

/** Time precision: 1 the day is known, 2 within a week, 3 within a month. */
export const TIME_PRECISIONS = [1, 2, 3] as const;
/** Geo precision: 1 the place itself, 2 near it or part of a region, 3 a province or larger area. */
export const GEO_PRECISIONS = [1, 2, 3] as const;
