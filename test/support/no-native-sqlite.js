/**
 * End-to-end suites must not load better-sqlite3 into the Jest process. It is a native addon:
 * loaded here and again into a later suite's module registry (a unit spec in the same worker),
 * that later copy is left broken and stops reporting constraint errors. Suites that need to read
 * or write a coordinator's metadata file do it in a child process (see test/jobs.e2e-spec.ts).
 */
throw new Error(
  'better-sqlite3 cannot be loaded into an end-to-end suite: open the metadata file from a child process instead',
);
