/** One colour per ACLED event type, used by the map, legend, timeline and table. */
import { EVENT_TYPES, type EventType } from '../../src/model/taxonomy.js';

export const TYPE_COLORS: Record<EventType, string> = {
  Battles: '#d7301f',
  'Explosions/Remote violence': '#f08c00',
  'Violence against civilians': '#7b3294',
  Protests: '#1a9850',
  Riots: '#8c510a',
  'Strategic developments': '#2166ac',
};

export const TYPE_SHORT: Record<EventType, string> = {
  Battles: 'Battles',
  'Explosions/Remote violence': 'Explosions',
  'Violence against civilians': 'Violence vs civilians',
  Protests: 'Protests',
  Riots: 'Riots',
  'Strategic developments': 'Strategic',
};

export { EVENT_TYPES };
export type { EventType };
