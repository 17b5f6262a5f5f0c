/** Why: the shapes of what reminders read from other features (applications, reviews, inspections), kept apart so those features can produce them without the planner. */

import type { LocalDate } from './dates.ts';

/** An application not yet submitted, with the checklist items it still lacks (empty when no checklist is known). */
export interface IncompleteApplication {
  applicationId: number;
  managerOpenId: string;
  unitName: string;
  regionId: number;
  memberUnitId: number;
  tier: string;
  missing: string[];
}

/** An application waiting for its member bank's qualification review (第九条第（三）项). */
export interface ReviewItem {
  applicationId: number;
  unitName: string;
  regionId: number;
  memberUnitId: number;
  tier: string;
}

/** An inspection visit an inspector is scheduled for (issue 6 supplies them). */
export interface InspectionVisit {
  inspectorOpenId: string;
  applicationId: number;
  unitName: string;
  regionId: number;
  memberUnitId: number;
  tier: string;
  date: LocalDate | null;
  kind: string;
  done: boolean;
}

/** What the audiences of one campaign look like right now; loaded only when a tick has a slot of that campaign. */
export interface CampaignData {
  quotas: Array<{ regionId: number; tier: string; quota: number }>;
  counts: Array<{ regionId: number; tier: string; submitted: number; drafts: number }>;
  incomplete: IncompleteApplication[];
  reviewBacklog: ReviewItem[];
  visits: InspectionVisit[];
  /** Outbox reminders of the last 7 days, for the digest. */
  sentLastWeek: number;
  failedLastWeek: number;
}
