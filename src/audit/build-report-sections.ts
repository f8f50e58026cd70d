import type { AuditReport } from './audit-report.js';
import { policySections } from './build-policy-sections.js';
import {
  deniedSection,
  headerSection,
  malformedSections,
  trafficSections,
} from './build-traffic-sections.js';
import type { Section } from './report-section.js';

/** The sections every human format renders, in reading order: the one row model (see report-section.ts). */
export function buildReportSections(r: AuditReport): Section[] {
  return [
    headerSection(r),
    ...malformedSections(r),
    deniedSection(r),
    ...trafficSections(r),
    ...policySections(r),
  ];
}
