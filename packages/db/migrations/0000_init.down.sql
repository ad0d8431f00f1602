-- Down script of 0000_init (hand-written; drizzle-kit generates only up migrations).
-- Dropping the tables drops their indexes, constraints and the serial's sequence with them;
-- job_stages goes first because its foreign key points at jobs. Every row is lost: roll back
-- this far only on a database whose data you do not need.
-- squawk-ignore-file ban-drop-table
DROP TABLE "job_stages";--> statement-breakpoint
DROP TABLE "jobs";
